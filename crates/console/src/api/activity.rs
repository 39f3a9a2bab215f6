//! The audit trail (Wharf's own `/wharf/v1/events`, ListAuditEvents): one page of records,
//! newest first. Same bearer token and error decoding as every other call.

use super::{ApiClient, ClientError};
use wharf_core::api as wire;

/// Where the audit trail is queried.
pub const EVENTS_PATH: &str = "/wharf/v1/events";

impl ApiClient {
    /// `GET /wharf/v1/events`: one page of audit records matching `query`, newest first.
    pub async fn list_audit_events(
        &self,
        query: &wire::ListAuditEventsQuery,
    ) -> Result<wire::ListAuditEventsResult, ClientError> {
        self.wharf_at("GET", EVENTS_PATH, "", query, None::<&()>)
            .await
    }
}
