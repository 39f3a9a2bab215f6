//! Component tests in headless Chromium: the copy form shows core's validation inline, and the
//! plan table renders a fixed report.
#![cfg(target_arch = "wasm32")]

use std::collections::BTreeMap;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use wharf_console::StoreProvider;
use wharf_console::components::{CopyFormView, PlanTable, PlanTableProps};
use wharf_console::route::Route;
use wharf_console::state::{AppState, Session};
use wharf_console::verdict::PlanVerdict;
use wharf_core::api::{
    CopyPlanReport, PackageVersionError, PackageVersionErrorCode, PackageVersionsOutcome,
    PlannedAction, PlannedVersion,
};
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

fn root(id: &str) -> web_sys::Element {
    let doc = gloo_document();
    let div = doc.create_element("div").unwrap();
    div.set_id(id);
    doc.body().unwrap().append_child(&div).unwrap();
    div
}

fn gloo_document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

async fn settle() {
    yew::platform::time::sleep(std::time::Duration::from_millis(30)).await;
}

#[function_component(FormHarness)]
fn form_harness() -> Html {
    let initial = AppState::new(
        Some(Session {
            endpoint: "http://127.0.0.1:9".into(),
            token: "t".into(),
        }),
        Route::Copy(Default::default()),
    );
    html! {
        <StoreProvider {initial}>
            <CopyFormView onplan={Callback::noop()} onrun={Callback::noop()} />
        </StoreProvider>
    }
}

#[wasm_bindgen_test]
async fn typing_an_invalid_domain_shows_the_error_on_its_field() {
    let host = root("form-host");
    yew::Renderer::<FormHarness>::with_root(host.clone()).render();
    settle().await;
    assert!(
        gloo_document()
            .get_element_by_id("copy-domain-error")
            .is_none(),
        "no error before typing"
    );
    let input: web_sys::HtmlInputElement = gloo_document()
        .get_element_by_id("copy-domain")
        .expect("domain input")
        .dyn_into()
        .unwrap();
    input.set_value("Bad_Domain");
    let init = web_sys::InputEventInit::new();
    init.set_bubbles(true);
    let event = web_sys::InputEvent::new_with_event_init_dict("input", &init).unwrap();
    input.dispatch_event(&event).unwrap();
    settle().await;
    assert!(
        gloo_document()
            .get_element_by_id("copy-domain-error")
            .is_none(),
        "no error while typing"
    );
    let blur = web_sys::FocusEvent::new("blur").unwrap();
    input.dispatch_event(&blur).unwrap();
    settle().await;
    let error = gloo_document()
        .get_element_by_id("copy-domain-error")
        .expect("inline error under the domain input");
    let text = error.text_content().unwrap_or_default();
    assert!(text.starts_with("Domain: 2–50 characters"), "{text}");
    assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));
    // Other untouched fields stay quiet; Run stays disabled while the form is invalid.
    assert!(
        gloo_document()
            .get_element_by_id("copy-package-error")
            .is_none()
    );
    let run: web_sys::HtmlButtonElement = gloo_document()
        .get_element_by_id("run-button")
        .unwrap()
        .dyn_into()
        .unwrap();
    assert!(run.disabled());
    host.remove();
}

fn fixed_report() -> CopyPlanReport {
    let row = |version: &str, action, error: Option<PackageVersionErrorCode>| PlannedVersion {
        version: version.into(),
        action,
        from_repository: Some("staging".into()),
        revision: Some("REVISION-AAAAAAAAAAAAAAAAAAAA".into()),
        destination_revision: None,
        error: error.map(|error_code| PackageVersionError {
            error_code,
            error_message: "The version already exists".into(),
        }),
    };
    CopyPlanReport {
        result: PackageVersionsOutcome {
            successful_versions: BTreeMap::new(),
            failed_versions: BTreeMap::new(),
        },
        versions: vec![
            row("1.0.0", PlannedAction::Copy, None),
            row("1.1.0", PlannedAction::NoOp, None),
            row(
                "2.0.0",
                PlannedAction::Fail,
                Some(PackageVersionErrorCode::AlreadyExists),
            ),
        ],
        dist_tags: vec![],
    }
}

#[wasm_bindgen_test]
async fn the_plan_table_shows_each_version_and_error() {
    let host = root("plan-host");
    yew::Renderer::<PlanTable>::with_root_and_props(
        host.clone(),
        PlanTableProps {
            report: fixed_report(),
            verdict: PlanVerdict {
                headline: "This copy would not go through".into(),
                conflicting: vec!["2.0.0".into()],
                ..PlanVerdict::default()
            },
            destination: "release".into(),
            onleaveout: Callback::noop(),
        },
    )
    .render();
    settle().await;
    let rows = host.query_selector_all("#plan-table tbody tr").unwrap();
    assert_eq!(rows.length(), 3);
    let text = host.text_content().unwrap_or_default();
    for expected in [
        "1.0.0",
        "COPY",
        "NO_OP",
        "FAIL",
        "ALREADY_EXISTS",
        "1 copy",
        "1 fail",
        "would not go through",
        "Leave out the 1 conflicting version(s)",
    ] {
        assert!(text.contains(expected), "missing {expected} in {text}");
    }
    host.remove();
}
