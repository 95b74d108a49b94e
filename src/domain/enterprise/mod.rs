//! Clients, projects, project groups, teams, people, the org chart, allocation, shares and associations.
