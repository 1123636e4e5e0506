/**
 * WeChat's XML, in and out, with fast-xml-parser. Every value stays a string (parseTagValue: false):
 * a buyer's `00123` is text, and MsgId (a 64-bit number) would lose digits as a JS number.
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser'

const parser = new XMLParser({ parseTagValue: false, parseAttributeValue: false, ignoreAttributes: true, trimValues: false, processEntities: true })
const builder = new XMLBuilder({ cdataPropName: '__cdata', suppressEmptyNode: false })

export type XmlValue = string | { [k: string]: XmlValue }

/** The children of the root `<xml>` element; undefined when the text is not well-formed XML with that root. */
export function parseWeChatXml (text: string): Record<string, XmlValue> | undefined {
  if (XMLValidator.validate(text) !== true) return undefined
  const doc = parser.parse(text) as Record<string, unknown>
  const root = doc.xml
  if (root === '') return {}
  if (!root || typeof root !== 'object' || Array.isArray(root)) return undefined
  return root as Record<string, XmlValue>
}

/** `<xml>` with each string as CDATA and each number as a bare value, as WeChat's samples write them. */
export function buildWeChatXml (fields: Record<string, string | number | bigint>): string {
  const xml: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(fields)) xml[k] = typeof v === 'string' ? { __cdata: v } : String(v)
  return builder.build({ xml }) as string
}

/** A child as text ('' when missing or not a leaf). */
export function text (fields: Record<string, XmlValue> | undefined, key: string): string {
  const v = fields?.[key]
  return typeof v === 'string' ? v : ''
}
