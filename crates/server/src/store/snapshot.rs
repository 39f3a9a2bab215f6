//! Reads for `wharf admin backup`: SQLite's online copy and a count to put in the manifest.

use super::{Backend, Store, StoreError, StoreResult};
use sqlx::Row;

impl Store {
    /// Writes a consistent copy of the SQLite database to `path` (`VACUUM INTO`: one read
    /// transaction, so writers may go on meanwhile). SQLite only.
    pub async fn vacuum_into(&self, path: &std::path::Path) -> StoreResult<()> {
        if self.backend() != Backend::Sqlite {
            return Err(StoreError::Invalid(
                "VACUUM INTO is SQLite's; use pg_dump for PostgreSQL".into(),
            ));
        }
        let target = path
            .to_str()
            .ok_or_else(|| StoreError::Invalid(format!("{} is not UTF-8", path.display())))?;
        sqlx::query(&format!("VACUUM INTO '{}'", target.replace('\'', "''")))
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// How many package versions are stored.
    pub async fn version_count(&self) -> StoreResult<i64> {
        Ok(sqlx::query("SELECT COUNT(*) AS n FROM package_versions")
            .fetch_one(self.pool())
            .await?
            .get("n"))
    }
}
