// /automations: trigger → conditions → action rules, their catalogue and run history.
import { api, listAll, ok, page, type Schema } from './client';

export type TriggerDef = Schema<'TriggerDef'>;
export type ActionDef = Schema<'ActionDef'>;
export type Run = Schema<'Run'>;

// A condition's `value` is any JSON (a string, a list for `in`, null for `exists`), but the spec
// declares it `type: object` (utoipa `value_type = Object`), and it marks the patch's optional
// `action_config` as required; these types correct both until the server's schema says so.
// The casts stay in asIn/asPatch.
type WithConditions<T> = Omit<T, 'conditions'> & { conditions?: Condition[] | null };
export type Condition = Omit<Schema<'Condition'>, 'value'> & { value?: unknown };
export type Automation = WithConditions<Schema<'Automation'>> & { conditions: Condition[] };
export type AutomationIn = WithConditions<Schema<'AutomationIn'>>;
/** The names the server lists at /automations/triggers and /automations/actions, and the condition ops. */
export type TriggerName = NonNullable<Schema<'AutomationPatch'>['trigger']>;
export type ActionName = NonNullable<Schema<'AutomationPatch'>['action']>;
export type ConditionOp = Schema<'Condition'>['op'];
export type AutomationPatch = Omit<WithConditions<Schema<'AutomationPatch'>>, 'action_config'> & { action_config?: Record<string, unknown> };
const asIn = (b: AutomationIn) => b as unknown as Schema<'AutomationIn'>;
const asPatch = (b: AutomationPatch) => b as unknown as Schema<'AutomationPatch'>;

const path = (id: string) => ({ params: { path: { id } } });

export const triggers = () => listAll('/api/v1/automations/triggers');
export const actions = () => listAll('/api/v1/automations/actions');
export const listAutomations = async () => (await listAll('/api/v1/automations/')) as Automation[];
export const createAutomation = (body: AutomationIn) => ok(api.POST('/api/v1/automations/', { body: asIn(body) })) as Promise<Automation>;
export const updateAutomation = (id: string, body: AutomationPatch) => ok(api.PUT('/api/v1/automations/{id}', { ...path(id), body: asPatch(body) })) as Promise<Automation>;
export const deleteAutomation = (id: string) => ok(api.DELETE('/api/v1/automations/{id}', path(id)));
/** The newest runs of an automation (one page of up to 100). */
export const runs = (id: string, range = { limit: 100, offset: 0 }) => page('/api/v1/automations/{id}/runs', { path: { id } }, range);
/** Run now with `payload`, or with the trigger's example payload when it is undefined (the spec marks `payload` required; it is not). */
export const testAutomation = (id: string, payload?: unknown) =>
  ok(api.POST('/api/v1/automations/{id}/test', { ...path(id), body: (payload === undefined ? {} : { payload }) as Schema<'TestIn'> }));
