/**
 * Which properties each entity lets a query filter and sort on (reference §10). Anything
 * else is a 4001 "property 'X' is not queryable": line-level fields, `PrivateNote`,
 * `AcctNum` and friends.
 */
export type FieldType = "id" | "string" | "ref" | "number" | "date" | "datetime" | "boolean" | "email"

export interface FieldSpec {
  readonly path: ReadonlyArray<string>
  readonly type: FieldType
}

const f = (path: string, type: FieldType): readonly [string, FieldSpec] => [path.toLowerCase(), { path: path.split("."), type }]

const META = [f("MetaData.CreateTime", "datetime"), f("MetaData.LastUpdatedTime", "datetime")]

const SALES = [
  f("Id", "id"),
  f("DocNumber", "string"),
  f("TxnDate", "date"),
  f("CustomerRef", "ref"),
  f("Balance", "number"),
  f("TotalAmt", "number"),
  f("ProjectRef", "ref"),
  ...META
]

const table: Record<string, ReadonlyArray<readonly [string, FieldSpec]>> = {
  Invoice: [...SALES, f("DueDate", "date"), f("SalesTermRef", "ref")],
  CreditMemo: [...SALES, f("RemainingCredit", "number")],
  Payment: [f("Id", "id"), f("TxnDate", "date"), f("CustomerRef", "ref"), f("TotalAmt", "number"), f("PaymentRefNum", "string"), ...META],
  Customer: [
    f("Id", "id"),
    f("DisplayName", "string"),
    f("GivenName", "string"),
    f("MiddleName", "string"),
    f("FamilyName", "string"),
    f("FullyQualifiedName", "string"),
    f("CompanyName", "string"),
    f("PrimaryEmailAddr", "email"),
    f("Active", "boolean"),
    f("Job", "boolean"),
    f("ParentRef", "ref"),
    f("Balance", "number"),
    ...META
  ],
  Vendor: [
    f("Id", "id"),
    f("DisplayName", "string"),
    f("GivenName", "string"),
    f("MiddleName", "string"),
    f("FamilyName", "string"),
    f("CompanyName", "string"),
    f("Active", "boolean"),
    f("Balance", "number"),
    ...META
  ],
  Employee: [
    f("Id", "id"),
    f("DisplayName", "string"),
    f("GivenName", "string"),
    f("MiddleName", "string"),
    f("FamilyName", "string"),
    f("Active", "boolean"),
    ...META
  ],
  Item: [
    f("Id", "id"),
    f("Name", "string"),
    f("Type", "string"),
    f("Sku", "string"),
    f("Active", "boolean"),
    f("FullyQualifiedName", "string"),
    f("SubItem", "boolean"),
    f("Taxable", "boolean"),
    ...META
  ],
  Term: [f("Id", "id"), f("Name", "string"), f("Active", "boolean"), ...META],
  Class: [f("Id", "id"), f("Active", "boolean"), f("FullyQualifiedName", "string"), ...META],
  Account: [
    f("Id", "id"),
    f("Name", "string"),
    f("Active", "boolean"),
    f("AccountType", "string"),
    f("AccountSubType", "string"),
    f("Classification", "string"),
    f("FullyQualifiedName", "string"),
    ...META
  ],
  TaxCode: [f("Id", "id"), f("Name", "string"), f("Active", "boolean"), ...META],
  TaxRate: [f("Id", "id"), f("Name", "string"), f("Active", "boolean"), ...META],
  Attachable: [f("Id", "id"), f("FileName", "string"), f("Category", "string"), f("ContentType", "string"), ...META],
  CompanyCurrency: [f("Id", "id"), f("Code", "string"), f("Name", "string"), f("Active", "boolean"), ...META],
  ExchangeRate: [f("SourceCurrencyCode", "string"), f("TargetCurrencyCode", "string"), f("AsOfDate", "date"), ...META],
  Preferences: META,
  CompanyInfo: META
}

const CLASS_NAME = f("Name", "string")
const ATTACHABLE_NOTE = f("Note", "string")

export const QUERYABLE_ENTITIES: ReadonlyArray<string> = Object.keys(table)

export const fieldSpec = (
  entity: string,
  field: string,
  options: { readonly classNameQueryable: boolean; readonly attachableNoteQueryable: boolean }
): FieldSpec | undefined => {
  const key = field.toLowerCase()
  if (entity === "Class" && key === "name" && options.classNameQueryable) return CLASS_NAME[1]
  if (entity === "Attachable" && key === "note" && options.attachableNoteQueryable) return ATTACHABLE_NOTE[1]
  return table[entity]?.find(([name]) => name === key)?.[1]
}
