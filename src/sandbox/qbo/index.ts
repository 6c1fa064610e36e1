/**
 * QuickBooks Online v3 loopback simulator: API, OAuth, faults, limits. See `server.ts` for
 * the request pipeline and `options.ts` for every knob.
 */
export { startQboSimulator } from "./server.ts"
export type { QboRequestLogEntry, QboRequestOutcome, QboSimulator, QboSimulatorOptions } from "./server.ts"
export { loadQboDataset, loadQboSandbox, loadQboSandboxConfig, loadRealmDirectory } from "./dataset.ts"
export type { QboSandboxConfig } from "./dataset.ts"
export { DEFAULT_REALM_ID } from "./defaults.ts"
export type { QboRealmData } from "./defaults.ts"
export { DEFAULT_QBO_SANDBOX_OAUTH, OAUTH_PATHS, sandboxRefreshToken } from "./oauth.ts"
export type { QboSandboxCredentials, QboSandboxOAuth } from "./oauth.ts"
export { DEFAULT_QBO_SIM_OPTIONS, mergeSimOptions, parseSimOptions } from "./options.ts"
export type {
  QboSimCdc,
  QboSimFaults,
  QboSimLimits,
  QboSimLineAmountCheck,
  QboSimOptions,
  QboSimOptionsInput,
  QboSimThrottle,
  QboSimTokens
} from "./options.ts"
export type { QboFaultKind, QboFaultSpec } from "./faultInjection.ts"
export type { QboRealmView, QboStoredRecord } from "./realm.ts"
export type { SimEntity } from "./store.ts"
export { TRANSIENT_DETAIL, THROTTLE_DETAIL } from "./faults.ts"
export type { JsonObject, JsonValue } from "./json.ts"
