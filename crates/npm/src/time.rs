//! ISO-8601 timestamps as the npm registry writes them (`2024-05-01T12:34:56.000Z`), from Unix
//! seconds with the core's calendar ([`wharf_core::civil`]).

/// Formats Unix seconds as `YYYY-MM-DDTHH:MM:SS.000Z`.
pub fn iso8601(epoch_secs: u64) -> String {
    let (y, m, d, hh, mm, ss) = wharf_core::civil::utc_fields(epoch_secs as i64);
    format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}.000Z")
}
