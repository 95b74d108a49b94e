// /planner: editorial plans, their dated items, the two generators (items for a plan, a whole
// autonomous plan), and "Make a task". "Draft it" and the platform catalogue are the content
// area's (content.ts).
import { api, listAll, ok, stream, type ListParams, type Schema } from './client';

export type Plan = Schema<'Plan'>;
export type PlanDetail = Schema<'PlanDetail'>;
export type PlanItem = Schema<'PlanItem'>;
export type NewPlan = Schema<'CreatePlanRequest'>;
export type PlanPatch = Schema<'UpdatePlanRequest'>;
export type NewPlanItem = Schema<'CreatePlanItemRequest'>;
export type PlanItemPatch = Schema<'UpdatePlanItemRequest'>;
export type GenerateItems = Schema<'GeneratePlanItemsRequest'>;
export type AutonomousPlan = Schema<'AutonomousPlanRequest'>;
export type PlanFilters = NonNullable<ListParams<'/api/v1/planner/plans'>['query']>;
export type ItemFilters = NonNullable<ListParams<'/api/v1/planner/items'>['query']>;

export const PLAN_STATUSES = ['draft', 'active', 'completed', 'archived'] as const;
export const ITEM_STATUSES = ['idea', 'planned', 'drafted', 'scheduled', 'published', 'skipped'] as const;

/** One frame of the item generators' streams (the spec does not describe SSE frames). */
export interface PlanFrame {
  stage?: string;
  /** Items saved so far and how many the schedule holds (with `stage: "writing"`). */
  progress?: number;
  total?: number;
  plan?: Plan;
  item?: PlanItem;
  done?: boolean;
  plan_id?: string;
  item_ids?: string[];
  error?: string;
}

const path = (id: string) => ({ params: { path: { id } } });

export const plans = (query: PlanFilters = {}) => listAll('/api/v1/planner/plans', { query });
export const plan = (id: string) => ok(api.GET('/api/v1/planner/plans/{id}', path(id)));
export const createPlan = (body: NewPlan) => ok(api.POST('/api/v1/planner/plans', { body }));
export const updatePlan = (id: string, body: PlanPatch) => ok(api.PUT('/api/v1/planner/plans/{id}', { ...path(id), body }));
export const deletePlan = (id: string) => ok(api.DELETE('/api/v1/planner/plans/{id}', path(id)));

/** Items across plans (the calendar of everything), e.g. `{from, to, client_id}`. */
export const items = (query: ItemFilters = {}) => listAll('/api/v1/planner/items', { query });
export const createItem = (planId: string, body: NewPlanItem) =>
  ok(api.POST('/api/v1/planner/plans/{id}/items', { ...path(planId), body }));
export const updateItem = (id: string, body: PlanItemPatch) => ok(api.PUT('/api/v1/planner/items/{id}', { ...path(id), body }));
export const deleteItem = (id: string) => ok(api.DELETE('/api/v1/planner/items/{id}', path(id)));
/** "Make a task": a card for the item on the plan's project board (or the caller's own). */
export const makeTask = (id: string) => ok(api.POST('/api/v1/planner/items/{id}/task', path(id)));

export const generateItems = (planId: string, body: GenerateItems, signal?: AbortSignal) =>
  stream<PlanFrame>(`/planner/plans/${encodeURIComponent(planId)}/generate`, body, signal);
export const generatePlan = (body: AutonomousPlan, signal?: AbortSignal) => stream<PlanFrame>('/planner/generate', body, signal);

