// /enterprise: clients, projects, people, teams, allocation and the org chart.
import { api, listAll, ok, type Schema } from './client';

export type Client = Schema<'Client'>;
export type ClientInput = Schema<'ClientInput'>;
export type ClientCreate = Schema<'ClientCreate'>;
export type Project = Schema<'Project'>;
export type ProjectInput = Schema<'ProjectInput'>;
export type ProjectCreate = Schema<'ProjectCreate'>;
/** A person in the organisation (the enterprise view of a user). */
export type WorkUser = Schema<'User'>;
export type UserInput = Schema<'UserInput'>;
export type Team = Schema<'Team'>;
export type TeamInput = Schema<'TeamInput'>;
export type TeamCreate = Schema<'TeamCreate'>;
export type Allocation = Schema<'Allocation'>;
export type OrgNode = Schema<'OrgNode'>;

const path = (id: string) => ({ params: { path: { id } } });

export const clients = () => listAll('/api/v1/enterprise/clients');
export const createClient = (body: ClientCreate) => ok(api.POST('/api/v1/enterprise/clients', { body }));
export const updateClient = (id: string, body: ClientInput) => ok(api.PUT('/api/v1/enterprise/clients/{id}', { ...path(id), body }));
export const deleteClient = (id: string) => ok(api.DELETE('/api/v1/enterprise/clients/{id}', path(id)));

export const projects = (client_id?: string) => listAll('/api/v1/enterprise/projects', { query: { client_id } });
export const createProject = (client_id: string, body: ProjectCreate) =>
  ok(api.POST('/api/v1/enterprise/clients/{client_id}/projects', { params: { path: { client_id } }, body }));
export const updateProject = (id: string, body: ProjectInput) => ok(api.PUT('/api/v1/enterprise/projects/{id}', { ...path(id), body }));
export const deleteProject = (id: string) => ok(api.DELETE('/api/v1/enterprise/projects/{id}', path(id)));

export const users = () => listAll('/api/v1/enterprise/users');
export const createUser = (body: UserInput) => ok(api.POST('/api/v1/enterprise/users', { body }));
export const updateUser = (id: string, body: UserInput) => ok(api.PUT('/api/v1/enterprise/users/{id}', { ...path(id), body }));

export const teams = () => listAll('/api/v1/enterprise/teams');
export const createTeam = (body: TeamCreate) => ok(api.POST('/api/v1/enterprise/teams', { body }));
export const updateTeam = (id: string, body: TeamInput) => ok(api.PUT('/api/v1/enterprise/teams/{id}', { ...path(id), body }));
export const deleteTeam = (id: string) => ok(api.DELETE('/api/v1/enterprise/teams/{id}', path(id)));

export const allocation = () => listAll('/api/v1/enterprise/allocation');
/** The org chart is a tree (roots with nested `reports`), not a paged list. */
export const orgchart = () => ok(api.GET('/api/v1/enterprise/orgchart'));
