/**
 * The Autotask REST loopback simulator (reference/autotask-api.md §15): start it with a
 * dataset, point the client's discovery URL at it, inspect requests and store afterwards.
 */
export {
  type AutotaskDataset,
  AutotaskDatasetError,
  type AutotaskRow,
  loadAutotaskDataset
} from "./dataset.ts"
export { ENTITY_NAMES } from "./entities.ts"
export {
  type AutotaskSimOptions,
  AutotaskSimOptionsError,
  type AutotaskSimOptionsInput,
  DEFAULT_AUTOTASK_SIM_OPTIONS
} from "./options.ts"
export {
  type AutotaskRequestFault,
  type AutotaskRequestRecord,
  type AutotaskSimulator,
  type AutotaskSimulatorCredentials,
  DEFAULT_AUTOTASK_SANDBOX_CREDENTIALS,
  startAutotaskSimulator,
  type StartAutotaskSimulatorOptions
} from "./server.ts"
export type { AutotaskStoreView } from "./store.ts"
