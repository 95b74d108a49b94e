//! The tenancy structure (clients, projects, groups, memberships, teams), user administration
//! with reporting lines, shares and associations of registered resources, allocation and the
//! org chart.
pub mod orgs;
mod orgs_store;
pub mod people;
mod people_store;
pub mod sharing;
mod sharing_store;
pub mod types;
