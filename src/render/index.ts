/**
 * Plan renderers as plug-ins over one Plan value (knip's reporters are the model): each
 * format is a pure function from the plan to text.
 */
import type { Plan } from "../domain/plan.ts"
import { renderJson } from "./json.ts"
import { renderMarkdown } from "./markdown.ts"
import type { Terminal } from "./terminal.ts"
import { renderText } from "./text.ts"

/** The formats that are the plan alone, so `show` prints them offline; `plan` adds github (views.ts). */
export const PLAN_FORMATS = ["text", "markdown", "json"] as const
export type PlanFormat = (typeof PLAN_FORMATS)[number]

export interface RenderOptions {
  readonly verbose: boolean
  /** For text: colour and width of where it is printed (render/terminal.ts `terminalFor`). */
  readonly terminal?: Terminal
}

export const renderPlan = (plan: Plan, format: PlanFormat, options: RenderOptions): string => {
  switch (format) {
    case "text":
      return renderText(plan, options)
    case "markdown":
      return renderMarkdown(plan)
    case "json":
      return renderJson(plan)
  }
}
