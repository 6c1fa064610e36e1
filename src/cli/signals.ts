/**
 * Taking SIGINT and SIGTERM from the Effect runtime, whose handlers interrupt the running
 * command at once (right for reads, wrong for a write whose answer would then go unrecorded,
 * or for a server that should stop cleanly).
 */

const SIGNALS = ["SIGINT", "SIGTERM"] as const

/**
 * Owns both signals until the first arrives (then `onSignal` runs) or the returned `restore` is
 * called. The runtime's handlers are put back at once either way, so a second signal aborts.
 */
export const takeSignals = (onSignal: (signal: NodeJS.Signals) => void): (() => void) => {
  const saved = SIGNALS.map((signal) => [signal, process.listeners(signal)] as const)
  const restore = () => {
    for (const signal of SIGNALS) process.removeListener(signal, handler)
    for (const [signal, listeners] of saved) {
      for (const listener of listeners) if (!process.listeners(signal).includes(listener)) process.on(signal, listener)
    }
  }
  function handler(signal: NodeJS.Signals) {
    restore()
    onSignal(signal)
  }
  for (const signal of SIGNALS) {
    process.removeAllListeners(signal)
    process.on(signal, handler)
  }
  return restore
}
