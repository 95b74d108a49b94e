//! The one list convention: every list route takes [`Page`] (`limit` 1–200, default 50;
//! `offset` 0–2³¹−1) and answers [`Paged<T>`] `{items, total, limit, offset}`.
use serde::{Deserialize, Serialize};

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 200;
/// The largest offset: what a 32-bit signed integer holds, as the schema states.
pub const MAX_OFFSET: u32 = i32::MAX as u32;

/// Which slice of a list to return. Out-of-range values are a 422: the query extractor rejects
/// what the schema forbids. Take it as its own `web::Query<Page>` beside the area's filters
/// (serde's `flatten` cannot parse numbers from a query string).
#[derive(Debug, Clone, Copy, Deserialize, utoipa::IntoParams, utoipa::ToSchema)]
#[serde(try_from = "RawPage")]
#[into_params(parameter_in = Query)]
pub struct Page {
    /// How many items (1–200, default 50).
    #[serde(default = "default_limit")]
    #[param(minimum = 1, maximum = 200, default = 50)]
    #[schema(minimum = 1, maximum = 200, default = 50)]
    pub limit: u32,
    /// How many items to skip (0–2147483647, default 0).
    #[serde(default)]
    #[param(minimum = 0, maximum = 2147483647, default = 0)]
    #[schema(minimum = 0, maximum = 2147483647, default = 0)]
    pub offset: u32,
}

fn default_limit() -> u32 {
    DEFAULT_LIMIT
}

#[derive(Deserialize)]
struct RawPage {
    #[serde(default = "default_limit")]
    limit: u32,
    #[serde(default)]
    offset: u32,
}

impl TryFrom<RawPage> for Page {
    type Error = String;
    fn try_from(r: RawPage) -> Result<Self, String> {
        Page::new(r.limit, r.offset).check()
    }
}

impl Default for Page {
    fn default() -> Self {
        Page {
            limit: DEFAULT_LIMIT,
            offset: 0,
        }
    }
}

impl Page {
    pub fn new(limit: u32, offset: u32) -> Self {
        Page { limit, offset }
    }

    /// `Err` with a message for a 422 when out of bounds.
    pub fn check(self) -> Result<Self, String> {
        if self.limit == 0 || self.limit > MAX_LIMIT {
            return Err(format!("limit must be between 1 and {MAX_LIMIT}"));
        }
        if self.offset > MAX_OFFSET {
            return Err(format!("offset must be between 0 and {MAX_OFFSET}"));
        }
        Ok(self)
    }

    /// For SQL `LIMIT ?n OFFSET ?m`.
    pub fn sql(self) -> (i64, i64) {
        (self.limit as i64, self.offset as i64)
    }

    /// Cut a fully loaded list to this page.
    pub fn slice<T>(self, all: Vec<T>) -> Paged<T> {
        let total = all.len() as u64;
        let items = all
            .into_iter()
            .skip(self.offset as usize)
            .take(self.limit as usize)
            .collect();
        Paged::new(items, total, self)
    }
}

/// One page of a list and where it sits in the whole.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Paged<T> {
    pub items: Vec<T>,
    /// How many items match, across all pages.
    pub total: u64,
    pub limit: u32,
    pub offset: u32,
}

impl<T> Paged<T> {
    pub fn new(items: Vec<T>, total: u64, page: Page) -> Self {
        Paged {
            items,
            total,
            limit: page.limit,
            offset: page.offset,
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Paged<U> {
        Paged {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
            limit: self.limit,
            offset: self.offset,
        }
    }
}

/// The one answer of count routes (`{count}`): unread notifications, tasks checked…
#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
pub struct Count {
    pub count: i64,
}
