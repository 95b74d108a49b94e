//! /enterprise: the tenancy structure (clients, projects, groups, memberships, teams), user
//! administration with reporting lines, shares and associations, allocation and the org chart.
pub mod handlers;

pub mod people_handlers;

pub mod sharing_handlers;
pub mod types;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    use handlers as h;
    use people_handlers as p;
    use sharing_handlers as sh;
    cfg.service(h::list_clients)
        .service(h::create_client)
        .service(h::get_client)
        .service(h::update_client)
        .service(h::delete_client)
        .service(h::create_project)
        .service(h::list_projects)
        .service(h::client_projects)
        .service(h::get_project)
        .service(h::update_project)
        .service(h::delete_project)
        .service(h::create_group)
        .service(h::list_groups)
        .service(h::update_group)
        .service(h::delete_group)
        .service(sh::add_membership)
        .service(sh::remove_membership)
        .service(sh::share)
        .service(sh::list_shares)
        .service(sh::delete_share)
        .service(sh::associate)
        .service(sh::legacy_subtask)
        .service(p::list_users)
        .service(p::get_user)
        .service(p::create_user)
        .service(p::update_user)
        .service(p::delete_user)
        .service(p::list_teams)
        .service(p::get_team)
        .service(p::create_team)
        .service(p::update_team)
        .service(p::delete_team)
        .service(p::allocation)
        .service(p::orgchart);
}
