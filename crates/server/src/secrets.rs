//! Secrets at rest: IAM users' secret access keys are stored sealed, never in clear.
//!
//! SigV4 needs a user's secret in recoverable form, so it is encrypted, not hashed: AES-256-GCM
//! under a key derived from the root secret access key with HKDF-SHA256, a random 96-bit nonce
//! per secret, and the access key id as associated data (a sealed secret moved to another key's
//! row does not open). The stored text is versioned: `v1:` + base64(nonce ‖ ciphertext ‖ tag).
//! A stored value without the `v1:` prefix is a secret from before encryption (a key pair's
//! secret never contains `:`); [`crate::store::Store::seal_plaintext_secrets`] seals those at
//! start.

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hkdf::Hkdf;
use sha2::Sha256;

/// The prefix of the current sealed format.
const V1: &str = "v1:";
const NONCE_LEN: usize = 12;
/// HKDF's salt and info: fixed, so that every Wharf process given the same root secret derives
/// the same key; distinct from the token key's derivation (`crate::auth::Keys`).
const SALT: &[u8] = b"wharf secrets at rest";
const INFO: &[u8] = b"wharf iam secret access keys v1";

/// A stored secret that cannot be opened with this key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    /// Not in a known sealed format (a plaintext secret from before encryption, or damage).
    #[error("the stored secret of access key {0} is not sealed in a known format")]
    Format(String),
    /// The key does not open it: the root secret changed, or the row was tampered with.
    #[error(
        "the stored secret of access key {0} does not decrypt with the key derived from the \
         root secret access key (was the root key pair changed?)"
    )]
    Key(String),
}

/// The key that seals and opens users' secret access keys.
#[derive(Clone)]
pub struct Sealer {
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(..)")
    }
}

impl Sealer {
    /// The sealer of a deployment: its key is derived from the root secret access key, so every
    /// process started with the same root key pair opens what any of them sealed.
    pub fn derive(root_secret: &str) -> Self {
        let mut key = [0u8; 32];
        Hkdf::<Sha256>::new(Some(SALT), root_secret.as_bytes())
            .expand(INFO, &mut key)
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        Sealer {
            cipher: Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&key)),
        }
    }

    /// A sealer with a random key, for stores that live no longer than the process (tests,
    /// in-memory SQLite).
    pub fn random() -> Self {
        Sealer {
            cipher: Aes256Gcm::new(&Aes256Gcm::generate_key(&mut OsRng)),
        }
    }

    /// Seals `secret`, bound to `access_key_id`: `v1:` + base64(nonce ‖ ciphertext ‖ tag).
    pub fn seal(&self, access_key_id: &str, secret: &str) -> String {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let sealed = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: secret.as_bytes(),
                    aad: access_key_id.as_bytes(),
                },
            )
            .expect("AES-GCM encrypts any secret of sane length");
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&sealed);
        format!("{V1}{}", STANDARD.encode(bytes))
    }

    /// Opens what [`Sealer::seal`] stored for `access_key_id`.
    pub fn open(&self, access_key_id: &str, stored: &str) -> Result<String, OpenError> {
        let format = || OpenError::Format(access_key_id.to_owned());
        let bytes = stored
            .strip_prefix(V1)
            .and_then(|b64| STANDARD.decode(b64).ok())
            .filter(|b| b.len() > NONCE_LEN)
            .ok_or_else(format)?;
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        let plain = self
            .cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: sealed,
                    aad: access_key_id.as_bytes(),
                },
            )
            .map_err(|_| OpenError::Key(access_key_id.to_owned()))?;
        String::from_utf8(plain).map_err(|_| format())
    }

    /// Whether `stored` is in a sealed format (else it is a secret from before encryption).
    pub fn is_sealed(stored: &str) -> bool {
        stored.starts_with(V1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "AKIAEXAMPLEEXAMPLE00";
    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    #[test]
    fn seals_and_opens_with_the_same_root_secret_only() {
        let sealer = Sealer::derive("root secret");
        let stored = sealer.seal(ID, SECRET);
        assert!(Sealer::is_sealed(&stored), "{stored}");
        assert!(!stored.contains(SECRET));
        assert_ne!(stored, sealer.seal(ID, SECRET), "a fresh nonce every time");
        let again = Sealer::derive("root secret");
        assert_eq!(again.open(ID, &stored).as_deref(), Ok(SECRET));
        assert_eq!(
            Sealer::derive("another root secret").open(ID, &stored),
            Err(OpenError::Key(ID.into()))
        );
    }

    #[test]
    fn a_sealed_secret_is_bound_to_its_key_id_and_bytes() {
        let sealer = Sealer::derive("root secret");
        let stored = sealer.seal(ID, SECRET);
        let other = "AKIAOTHEROTHEROTHER0";
        assert_eq!(
            sealer.open(other, &stored),
            Err(OpenError::Key(other.into()))
        );
        let mut bytes = STANDARD.decode(&stored[3..]).unwrap();
        *bytes.last_mut().unwrap() ^= 1;
        let tampered = format!("v1:{}", STANDARD.encode(bytes));
        assert_eq!(sealer.open(ID, &tampered), Err(OpenError::Key(ID.into())));
    }

    #[test]
    fn plaintext_and_damaged_values_are_not_guessed_at() {
        let sealer = Sealer::derive("root secret");
        for stored in [
            SECRET,
            "v1:",
            "v1:not base64!",
            "v1:AAAA",
            "v2:AAAAAAAAAAAAAAAAAAAA",
        ] {
            assert!(
                matches!(sealer.open(ID, stored), Err(OpenError::Format(id)) if id == ID),
                "{stored}"
            );
        }
        assert!(!Sealer::is_sealed(SECRET));
    }
}
