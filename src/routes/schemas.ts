/** Zod schemas shared by routes: one schema validates a request and documents it in /docs. */
import { z } from 'zod'
import { METHODS } from '../matching/match.js'
import { actionSchema, handoffReasonSchema, prioritySchema } from '../engine/types.js'
import { SHOP_ID } from '../rules/load.js'

// the same rule the loader applies to shop folder names, so every folder is reachable by its id
export const shopIdSchema = z.string().min(1).max(64).regex(SHOP_ID, 'use letters, digits, _ . - only')
  .describe('Shop whose rules answer; omit for the shop "default"')

const idString = (what: string) => z.string().min(1, `${what} must not be empty`).max(128, `${what} is longer than 128 characters`)

export const MESSAGE_TYPES = ['text', 'image', 'video', 'voice', 'sticker', 'link', 'product', 'order', 'enter'] as const
export const TEXT_MAX = 2000

// C0/C1 control characters other than tab and line breaks: never in a typed message, often in garbage
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/
const WORDS = /[\p{L}\p{N}]/u

/** A string id, or a number (WeChat's MsgId is one) read as its decimal string; a number JSON cannot hold exactly is refused. */
const idOrNumber = (what: string) => z.union([
  idString(what),
  z.number().int(`${what} must be a string or a whole number`).nonnegative()
    .refine(Number.isSafeInteger, `${what} is a number above 2^53, which JSON cannot carry exactly: send it as a string`)
    .transform(String)
])

export const messageBodySchema = z.object({
  messageId: idOrNumber('messageId').describe('Platform message id (a string, or a number read as its decimal string); a redelivery with the same id gets the same response'),
  conversationId: idOrNumber('conversationId'),
  buyerId: idOrNumber('buyerId'),
  shopId: shopIdSchema.optional(),
  type: z.enum(MESSAGE_TYPES).default('text').describe('enter: the buyer opened the chat; image/video/voice/sticker/link/product/order: handed to a human unless it carries text'),
  text: z.string().max(TEXT_MAX, `text is longer than ${TEXT_MAX} characters`).optional(),
  sentAt: z.union([z.iso.datetime({ offset: true }), z.number().int().positive()]).optional().describe('ISO 8601 or epoch ms; informational'),
  buyer: z.object({ nickname: z.string().max(64).optional() }).optional()
}).superRefine((m, ctx) => {
  if (m.text !== undefined && CONTROL.test(m.text)) {
    ctx.addIssue({ code: 'custom', path: ['text'], message: 'text contains control characters' })
    return
  }
  if (m.type === 'text') {
    if (m.text === undefined || m.text.trim() === '') ctx.addIssue({ code: 'custom', path: ['text'], message: 'a text message needs non-empty text' })
    else if (!WORDS.test(m.text.replace(/\[[^\]\s]{1,6}\]/gu, ''))) ctx.addIssue({ code: 'custom', path: ['text'], message: 'text has no letters or digits (emoji or punctuation only): nothing to answer' })
  }
})

export const matchedSchema = z.object({
  ruleId: z.string(),
  intent: z.string(),
  keywords: z.array(z.string()),
  method: z.enum(METHODS),
  score: z.number().optional(),
  outcome: z.string().optional()
})

export const messageResponseSchema = z.object({
  action: actionSchema,
  replies: z.array(z.object({ type: z.literal('text'), text: z.string() })),
  matched: z.array(matchedSchema),
  handoff: z.object({
    ticketId: z.string(),
    position: z.number().int(),
    priority: prioritySchema,
    reason: handoffReasonSchema,
    agentsOnline: z.number().int()
  }).optional(),
  degraded: z.boolean().optional()
})

export const errorSchema = z.object({
  statusCode: z.number(),
  code: z.string(),
  error: z.string(),
  message: z.string(),
  details: z.array(z.object({ field: z.string(), message: z.string() })).optional()
})
