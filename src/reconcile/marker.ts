/**
 * The ownership marker: how atqbo recognises the QBO documents it created. It lives in the
 * document's `PrivateNote` (never shown to the customer). QBO cannot filter on PrivateNote,
 * so documents are found by date window or DocNumber and the marker is checked here. Voiding
 * prepends "Voided" to the note; the marker is matched anywhere in it.
 */
const MARKER = /\[atqbo:autotask-invoice=(\d+)\]/

export const ownershipMarker = (autotaskInvoiceId: number): string => `[atqbo:autotask-invoice=${autotaskInvoiceId}]`

/** The Autotask invoice id a QBO document belongs to, if atqbo created it. */
export const ownerOf = (privateNote: string | undefined): number | undefined => {
  const match = privateNote ? MARKER.exec(privateNote) : null
  return match ? Number(match[1]) : undefined
}

/** PrivateNote for a new document: the marker first, then a note for people. */
export const privateNoteFor = (autotaskInvoiceId: number, autotaskNumber: string | undefined): string =>
  `${ownershipMarker(autotaskInvoiceId)} Synced from Autotask invoice ${autotaskNumber ? `${autotaskNumber} ` : ""}(id ${autotaskInvoiceId}) by atqbo.`
