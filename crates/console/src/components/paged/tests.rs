use super::*;

fn apply(list: Paged<u32>, actions: Vec<PagedAction<u32>>) -> Paged<u32> {
    let mut s = Rc::new(list);
    for a in actions {
        s = s.reduce(a);
    }
    (*s).clone()
}

#[test]
fn pages_accumulate_until_the_last() {
    let s = apply(
        Paged::default(),
        vec![
            PagedAction::Reset(1),
            PagedAction::Loaded {
                generation: 1,
                items: vec![1, 2],
                next_token: Some("t".into()),
            },
            PagedAction::Loading,
            PagedAction::Loaded {
                generation: 1,
                items: vec![3],
                next_token: None,
            },
        ],
    );
    assert_eq!(s.items, vec![1, 2, 3]);
    assert_eq!(s.next_token, None);
    assert!(!s.loading);
}

#[test]
fn answers_to_an_old_query_are_ignored() {
    let s = apply(
        Paged::default(),
        vec![
            PagedAction::Reset(1),
            PagedAction::Reset(2),
            PagedAction::Loaded {
                generation: 1,
                items: vec![9],
                next_token: None,
            },
            PagedAction::Failed {
                generation: 1,
                error: ClientError::Unreachable("x".into()),
            },
        ],
    );
    assert!(s.items.is_empty());
    assert!(s.loading);
    assert!(s.error.is_none());
    let s = apply(
        s,
        vec![PagedAction::Failed {
            generation: 2,
            error: ClientError::Unreachable("x".into()),
        }],
    );
    assert!(!s.loading && s.error.is_some());
}
