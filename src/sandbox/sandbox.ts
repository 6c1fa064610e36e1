/**
 * Both simulators together on loopback, loaded from one dataset directory (SPEC §7):
 * what `--sandbox`, `atqbo sandbox`, the integration tests, the bench and the chaos run use.
 */
import {
  type AutotaskSimOptionsInput,
  type AutotaskSimulatorCredentials,
  type AutotaskSimulator,
  loadAutotaskDataset,
  startAutotaskSimulator
} from "./autotask/index.ts"
import { packageFile } from "../packageFiles.ts"
import { rebaseDates } from "./data/dates.ts"
import { loadQboSandbox, type QboSandboxOAuth, type QboSimOptionsInput, type QboSimulator, startQboSimulator } from "./qbo/index.ts"

/** The bundled demo dataset (an MSP with ~25 companies and ~60 invoices); shipped in the package at the same path. */
export const DEMO_DATA_DIR = packageFile("src/sandbox/data/demo")
/** The demo's multicurrency variant (CAD-home QBO company, clients billed in CAD and USD): `--data` it. */
export const MULTICURRENCY_DATA_DIR = packageFile("src/sandbox/data/multicurrency")

export interface SandboxOptions {
  readonly dataDir?: string
  readonly host?: string
  readonly autotaskPort?: number
  readonly qboPort?: number
  /** Credentials the simulators accept (defaults: the documented sandbox ones). */
  readonly autotaskCredentials?: AutotaskSimulatorCredentials
  readonly qboOAuth?: QboSandboxOAuth
  /** Override the dataset's sandbox.yaml options. */
  readonly autotask?: AutotaskSimOptionsInput
  readonly qbo?: QboSimOptionsInput
}

export interface Sandbox {
  readonly dataDir: string
  readonly autotask: AutotaskSimulator
  readonly qbo: QboSimulator
  /** The first (usually only) QBO company of the dataset. */
  readonly realmId: string
  readonly close: () => Promise<void>
}

export const startSandbox = async (options: SandboxOptions = {}): Promise<Sandbox> => {
  const dataDir = options.dataDir ?? DEMO_DATA_DIR
  const [autotaskLoaded, qboLoaded] = await Promise.all([loadAutotaskDataset(dataDir), loadQboSandbox(dataDir)])
  // A dataset written with relative dates (`dates:` in its sandbox.yaml, as the demo is) is
  // moved to today here, between loading and serving, so its invoices stay inside the
  // look-back window whatever day it runs; other datasets pass through unchanged.
  const { autotask: autotaskData, qbo: qboData } = await rebaseDates(dataDir, { autotask: autotaskLoaded, qbo: qboLoaded })
  const autotask = await startAutotaskSimulator({
    data: autotaskData,
    ...(options.host ? { host: options.host } : {}),
    ...(options.autotaskPort !== undefined ? { port: options.autotaskPort } : {}),
    ...(options.autotask ? { options: options.autotask } : {}),
    ...(options.autotaskCredentials ? { credentials: options.autotaskCredentials } : {})
  })
  const qbo = await startQboSimulator({
    realms: qboData.realms,
    options: { ...qboData.options, ...options.qbo },
    ...(options.host ? { host: options.host } : {}),
    ...(options.qboPort !== undefined ? { port: options.qboPort } : {}),
    ...(options.qboOAuth ? { oauth: options.qboOAuth } : {})
  }).catch(async (error: unknown) => {
    await autotask.close()
    throw error
  })
  const realmId = qbo.realmIds[0]
  if (realmId === undefined) throw new Error(`the dataset in ${dataDir} defines no QBO company`)
  return {
    dataDir,
    autotask,
    qbo,
    realmId,
    close: async () => {
      await Promise.all([autotask.close(), qbo.close()])
    }
  }
}
