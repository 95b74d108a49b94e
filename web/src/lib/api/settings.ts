// /settings: the key/value settings (admin), their schema, AI providers and models.
import { api, ok, type Schema } from './client';

export type SettingDef = Schema<'SettingDef'>;
export type AvailableModels = Schema<'AvailableModels'>;
export type TestResult = Schema<'TestResult'>;
/** A chat provider's name (the API refuses any other). */
export type ProviderName = NonNullable<
  // The message's fields (the schema's anyOf branches join them as a union).
  Extract<Schema<'SendMessageRequest'>, { content: string }>['provider']
>;
/** The spec types settings as a free-form object; values are these JSON kinds (see SettingDef.kind). */
export type SettingValue = string | number | boolean | string[] | null;
export type Settings = Record<string, SettingValue>;

export const getSettings = async () => (await ok(api.GET('/api/v1/settings/'))) as Settings;
export const updateSettings = async (changes: Settings) => (await ok(api.PUT('/api/v1/settings/', { body: changes }))) as Settings | undefined;
export const settingsSchema = () => ok(api.GET('/api/v1/settings/schema'));
export const availableModels = () => ok(api.GET('/api/v1/settings/available-models'));
export const testProvider = (provider: string) => ok(api.POST('/api/v1/settings/test-provider', { body: { provider } }));
