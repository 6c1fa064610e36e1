/** Shared integration datasets (SPEC §7 format), dated relative to today. */
import { ownershipMarker } from "../../src/reconcile/marker.ts"
import { billingCode, billingItem, company, invoice } from "./fixtures.ts"
import { daysAgo, writeDataset } from "./sandbox.ts"

const at = (date: string) => `${date}T00:00:00`

/** A small mixed world: existing and new customers and items, a rejection, a repair, a void. */
export const mixedDataset = () =>
  writeDataset({
    autotask: {
      Invoices: [
        invoice(100, 1, 150, { invoiceDateTime: at(daysAgo(2)) }),
        invoice(101, 2, 226.8, { invoiceDateTime: at(daysAgo(2)) }),
        invoice(102, 3, -20, { invoiceDateTime: at(daysAgo(1)) }),
        invoice(103, 1, 150, { invoiceDateTime: at(daysAgo(3)) }),
        invoice(104, 1, 75, { invoiceDateTime: at(daysAgo(4)), isVoided: true, voidedDate: at(daysAgo(1)), invoiceNumber: "1004", webServiceDate: `${daysAgo(3)}T10:00:00Z` }),
        invoice(105, 3, 99.99, { invoiceDateTime: at(daysAgo(1)) })
      ],
      BillingItems: [
        billingItem(1, 100, 10, 2, 75),
        billingItem(2, 101, 10, 1.5, 75),
        billingItem(3, 101, 11, 3.175, 36.0000, { extendedPrice: 114.3 }),
        billingItem(4, 102, 10, 1, -20),
        billingItem(5, 103, 10, 2, 75),
        billingItem(6, 104, 10, 1, 75),
        billingItem(7, 105, 11, 1, 99.99)
      ].map((item) => ({ ...item, itemDate: at(daysAgo(2)) })),
      BillingCodes: [billingCode(10, "Managed Services"), billingCode(11, "Backup Monitoring", { description: "Daily backup checks" })],
      Companies: [company(1, "Acme Corp"), company(2, "Globex Industrial"), company(3, "O'Brien \\ Sons")],
      PaymentTerms: []
    },
    qbo: {
      Item: [{ Id: "5", SyncToken: "0", Name: "Managed Services", Type: "Service", Active: true, IncomeAccountRef: { value: "1" } }],
      Customer: [{ Id: "7", SyncToken: "0", DisplayName: "Acme Corp", Active: true }],
      Invoice: [
        {
          Id: "900",
          SyncToken: "0",
          DocNumber: "1003",
          TxnDate: daysAgo(3),
          CustomerRef: { value: "7" },
          PrivateNote: ownershipMarker(103),
          Line: [{ DetailType: "SalesItemLineDetail", Amount: 150, SalesItemLineDetail: { ItemRef: { value: "5" }, Qty: 2, UnitPrice: 75 } }]
        },
        {
          Id: "901",
          SyncToken: "0",
          DocNumber: "1004",
          TxnDate: daysAgo(4),
          CustomerRef: { value: "7" },
          PrivateNote: ownershipMarker(104),
          Line: [{ DetailType: "SalesItemLineDetail", Amount: 75, SalesItemLineDetail: { ItemRef: { value: "5" }, Qty: 1, UnitPrice: 75 } }]
        }
      ]
    }
  })

