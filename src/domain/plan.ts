/**
 * The Plan: one plain value that every renderer, the saved-plan file and `apply` share.
 * Payloads are the exact bodies that would be sent; values only known after an earlier
 * action ran (the Id of a customer created in the same run, QBO's DocNumber) appear as
 * `PayloadRef` placeholders that `apply` resolves.
 */
import type { CurrencyTotals } from "./totals.ts"

export type ActionType =
  | "item.create"
  | "customer.create"
  | "invoice.create"
  | "creditmemo.create"
  | "invoice.void"
  | "duplicate.remove"
  | "invoice.send"
  | "autotask.writeback"
  | "autotask.paid"
  | "invoice.reject"

/**
 * Execution phases (SPEC §6), in order: reference data (items, customers), documents (creates
 * and voids), e-mails, Autotask write-backs, rejections.
 */
export type Phase = "reference" | "documents" | "sends" | "writebacks" | "rejections"

export const PHASES: ReadonlyArray<Phase> = ["reference", "documents", "sends", "writebacks", "rejections"]

/**
 * Every fact about an action type in one table: its phase (apply, the plan's sort key, the
 * renderers' sections), the noun people read (renderers, stale-plan and limit messages) and
 * its plan symbol.
 */
export const ACTION_TYPES: Readonly<Record<ActionType, { readonly phase: Phase; readonly noun: string; readonly symbol: "+" | "~" | "-" | "!" }>> = {
  "item.create": { phase: "reference", noun: "item", symbol: "+" },
  "customer.create": { phase: "reference", noun: "customer", symbol: "+" },
  "invoice.create": { phase: "documents", noun: "invoice", symbol: "+" },
  "creditmemo.create": { phase: "documents", noun: "credit memo", symbol: "+" },
  "invoice.void": { phase: "documents", noun: "void", symbol: "-" },
  "duplicate.remove": { phase: "documents", noun: "duplicate", symbol: "-" },
  "invoice.send": { phase: "sends", noun: "e-mail", symbol: "+" },
  "autotask.writeback": { phase: "writebacks", noun: "write-back", symbol: "~" },
  "autotask.paid": { phase: "writebacks", noun: "paid date", symbol: "~" },
  "invoice.reject": { phase: "rejections", noun: "error", symbol: "!" }
}

export const ALL_ACTION_TYPES = Object.keys(ACTION_TYPES) as ReadonlyArray<ActionType>

/** The phase of each type (read from `ACTION_TYPES`). */
export const ACTION_PHASE = Object.fromEntries(ALL_ACTION_TYPES.map((type) => [type, ACTION_TYPES[type].phase])) as Readonly<Record<ActionType, Phase>>

export const phaseOf = (action: { readonly type: ActionType }): Phase => ACTION_PHASE[action.type]

/** 1 for the first phase, 2 for the next…: the leading part of the plan's sort key. */
export const phaseRank = (phase: Phase): number => PHASES.indexOf(phase) + 1

/** `{"$ref": "customer:Acme", "field": "Id"}` — replaced at apply time by that action's result. */
export type PayloadRef = {
  readonly $ref: string
  readonly field: string
}

/** `{"$runtime": "now"}` — the apply time (Autotask `webServiceDate`); constant for checksums. */
export type RuntimeValue = {
  readonly $runtime: "now" | "today"
}

export type Json = string | number | boolean | null | ReadonlyArray<Json> | { readonly [key: string]: Json }

export const isPayloadRef = (value: unknown): value is PayloadRef =>
  typeof value === "object" && value !== null && "$ref" in value && typeof (value as PayloadRef).$ref === "string"

export const isRuntimeValue = (value: unknown): value is RuntimeValue =>
  typeof value === "object" && value !== null && "$runtime" in value

/** What an action writes, and to which system and record. */
export type ActionTarget =
  | { readonly system: "qbo"; readonly entity: "Item" | "Customer" | "Invoice" | "CreditMemo"; readonly operation: "create" }
  | {
    readonly system: "qbo"
    readonly entity: "Invoice" | "CreditMemo"
    /** `delete` only removes an extra copy atqbo made (sync.duplicates). */
    readonly operation: "void" | "send" | "delete"
    /** Existing document (Id known) or the document another action of this plan creates. */
    readonly id: string | PayloadRef
    readonly syncToken: string | PayloadRef
  }
  | { readonly system: "autotask"; readonly entity: "Invoices"; readonly operation: "update"; readonly id: number }
  | { readonly system: "none" }

export interface PlanAction {
  readonly type: ActionType
  /** With several QBO companies: the connection the action belongs to (addresses are prefixed `name/`). */
  readonly connection?: string
  /** Stable, unique: `item:<name>`, `customer:<name>`, `invoice:<autotaskId>`, `writeback:<autotaskId>`… */
  readonly address: string
  readonly autotaskInvoiceId: number | undefined
  /** Display name for items and customers; the invoice number for invoice actions. */
  readonly name: string | undefined
  /** One sentence a reviewer reads. */
  readonly summary: string
  readonly target: ActionTarget
  /** The exact body to send (with `PayloadRef`/`RuntimeValue` placeholders). */
  readonly payload: Json
  /** Current values for updates (write-backs): what the payload changes. */
  readonly before: Json | undefined
  /** Addresses of actions that must succeed first. */
  readonly dependsOn: ReadonlyArray<string>
  /** Why an invoice is rejected (all reasons), or notes on the action. */
  readonly reasons: ReadonlyArray<string>
  /** Facts for renderers that are not part of the payload (customer name, total, company…). */
  readonly display: ActionDisplay
}

export interface ActionDisplay {
  readonly company?: string
  readonly customer?: string
  readonly autotaskNumber?: string
  readonly total?: string
  readonly currency?: string
  readonly lines?: ReadonlyArray<DisplayLine>
  readonly docNumber?: string
  readonly qboId?: string
  /** New invoices: the due date QBO will give it (`YYYY-MM-DD`) and where it comes from. */
  readonly dueDate?: string
  readonly dueDateSource?: string
  /** New items: the income account they post to. */
  readonly incomeAccount?: string
  readonly [key: string]: unknown
}

export interface DisplayLine {
  readonly item: string
  readonly description: string
  readonly qty: string
  readonly rate: string
  readonly amount: string
  readonly class?: string
  readonly taxCode?: string
  readonly serviceDate?: string
}

export type WarningCode =
  | "term-omitted"
  | "class-not-applicable"
  | "drift"
  | "docnumber-collision-risk"
  | "item-no-quantity"
  | "no-email"
  | "numbering-mismatch"
  | "tax-mode"
  | "synced-elsewhere"
  | "duplicate-documents"
  | "memo-truncated"
  | "payment-unapplied"
  | "payment-currency"
  | "payment-overpaid"
  | "payment-not-owned"
  | "paid-date-kept"
  | "voided-open"
  | "description-truncated"
  | "mapping-unresolved"
  | "writeback-number-shared"

export interface PlanWarning {
  readonly code: WarningCode
  readonly message: string
  /** The invoice concerned, when the warning is about one. */
  readonly autotaskInvoiceId: number | undefined
  /** The invoices concerned, when one warning covers several (an unmatched term, once per term). */
  readonly autotaskInvoiceIds?: ReadonlyArray<number>
  /** Field-level differences for drift (`path: before → after`). */
  readonly differences?: ReadonlyArray<FieldDifference>
}

export interface FieldDifference {
  readonly field: string
  readonly autotask: string
  readonly qbo: string
}

export interface PlanSummary {
  readonly counts: Readonly<Record<ActionType, number>>
  readonly warnings: number
  readonly errors: number
  /** Autotask invoices considered, and how many needed nothing. */
  readonly invoicesRead: number
  readonly invoicesInSync: number
  /** Money per currency: booked, taken back, refused (domain/totals.ts). Since 2.1; absent in older plan files. */
  readonly totals?: ReadonlyArray<CurrencyTotals>
}

/**
 * 1.1 added `connections` and `PlanAction.connection` (several QBO companies); 1.2 warning
 * `autotaskInvoiceIds` and the codes voided-open, description-truncated, mapping-unresolved,
 * writeback-number-shared. 2.0: the
 * checksum covers only what apply executes; `contentChecksum` protects what reviewers read;
 * `configChecksum`, `overLimits` and `window.explicitDates` were added. 2.1 added
 * `summary.totals` (money per currency); a 2.0 file still reads, its totals computed from its actions.
 */
export const PLAN_FORMAT_VERSION = "2.1"

/** A safety limit (atqbo.yaml `limits`) the plan exceeds: apply refuses it without `--force`. */
export interface LimitViolation {
  /** The setting, e.g. `maxInvoices`. */
  readonly limit: string
  readonly planned: number
  readonly maximum: number
  /** What is counted, e.g. "new QBO invoices and credit memos". */
  readonly what: string
  /** With several QBO companies: whose limit. */
  readonly connection?: string
}

/** "3 new QBO invoices and credit memos planned, limit maxInvoices: 1 (2 over)". */
export const limitViolationText = (violation: LimitViolation): string =>
  `${violation.planned} ${violation.what}${violation.connection ? ` in connection ${violation.connection}` : ""} planned, limit ${violation.limit}: ${violation.maximum} (${violation.planned - violation.maximum} over)`

export interface PlanConnection {
  readonly name: string
  readonly realmId: string
  readonly counts: Readonly<Record<ActionType, number>>
}

export interface Plan {
  readonly format_version: string
  /** `sha256:<hex>` over what apply executes of each action (domain/checksum.ts): same world + config → same checksum. */
  readonly checksum: string
  /** Only in a plan file: over everything else in it, so an edited file is refused. */
  readonly contentChecksum?: string
  /** Over the configuration (not its location): a stale plan says whether it changed. */
  readonly configChecksum: string
  readonly tool: { readonly name: "atqbo"; readonly version: string }
  /** With several QBO companies: one entry per connection planned (`realmId` is then "multiple"). */
  readonly connections?: ReadonlyArray<PlanConnection>
  /** Informational; not part of the checksum. */
  readonly createdAt: string
  readonly realmId: string
  readonly window: {
    readonly since: string
    readonly until: string
    readonly timeZone: string
    readonly invoiceIds: ReadonlyArray<number> | null
    /** `--since`/`--until` were given: voids and paid dates only of invoices dated inside. */
    readonly explicitDates: boolean
  }
  readonly currency: string
  readonly summary: PlanSummary
  /** Safety limits exceeded, shown in every format so a reviewer never approves what apply refuses. */
  readonly overLimits: ReadonlyArray<LimitViolation>
  readonly actions: ReadonlyArray<PlanAction>
  readonly warnings: ReadonlyArray<PlanWarning>
}

/** Number of actions per type (every type present). */
export const countActions = (actions: ReadonlyArray<{ readonly type: ActionType }>): Record<ActionType, number> => {
  const counts = Object.fromEntries(ALL_ACTION_TYPES.map((type) => [type, 0])) as Record<ActionType, number>
  for (const action of actions) counts[action.type] += 1
  return counts
}

/** True when applying would write anything (a rejection writes only when the error marker is on). */
export const hasChanges = (plan: Plan): boolean => plan.actions.some((action) => action.target.system !== "none")
