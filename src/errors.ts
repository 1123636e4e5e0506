/**
 * Every error the service reports, coded in one place so that clients, operators and logs can
 * search a code. The message is a printf-style template (%s) filled by the constructor's args.
 * 4xx messages name the field and the problem; 5xx messages never carry internals.
 */
import createError from '@fastify/error'

// --- request input (J12) ---
export const ERR_VALIDATION = createError('AR_ERR_VALIDATION', 'Invalid request: %s', 400)
export const ERR_INVALID_JSON = createError('AR_ERR_INVALID_JSON', 'Request body is not valid JSON: %s', 400)
export const ERR_BODY_TOO_LARGE = createError('AR_ERR_BODY_TOO_LARGE', 'Request body is larger than %s bytes', 413)
export const ERR_UNSUPPORTED_MEDIA = createError('AR_ERR_UNSUPPORTED_MEDIA', 'Content-Type must be application/json', 415)
export const ERR_MESSAGE_ID_REUSED = createError('AR_ERR_MESSAGE_ID_REUSED', 'messageId: "%s" was already used for another message (another conversation or text); ids must be unique per shop, e.g. prefixed by platform', 409)
export const ERR_UNKNOWN_SHOP = createError('AR_ERR_UNKNOWN_SHOP', 'shopId: no rules are loaded for shop "%s"', 404)
export const ERR_UNAUTHORIZED = createError('AR_ERR_UNAUTHORIZED', 'A valid bearer token is required', 401)
export const ERR_BAD_SIGNATURE = createError('AR_ERR_BAD_SIGNATURE', 'X-Autoreply-Signature: %s', 401)
export const ERR_AGENT_MISMATCH = createError('AR_ERR_AGENT_MISMATCH', 'agentId: this token belongs to agent "%s", who may act only as themselves', 403)
export const ERR_TOKEN_REQUIRED = createError('AR_ERR_TOKEN_REQUIRED', 'These routes answer clients on this machine only until %s is set', 403)

// --- handoff ---
export const ERR_TICKET_NOT_FOUND = createError('AR_ERR_TICKET_NOT_FOUND', 'Ticket "%s" is not open', 404)
export const ERR_NOT_TICKET_OWNER = createError('AR_ERR_NOT_TICKET_OWNER', 'Ticket "%s" is claimed by another agent (or its claim expired)', 409)
export const ERR_CONVERSATION_NOT_FOUND = createError('AR_ERR_CONVERSATION_NOT_FOUND', 'Conversation "%s" has no kept history (never seen, or older than HISTORY_TTL)', 404)

// --- console (/console) ---
export const ERR_CONSOLE_DISABLED = createError('AR_ERR_CONSOLE_DISABLED', 'The console needs AGENT_TOKEN or OPERATOR_TOKEN to be set: without a token nobody could be told apart from a stranger', 401)
export const ERR_CONSOLE_ROLE = createError('AR_ERR_CONSOLE_ROLE', 'This needs an %s token', 403)
export const ERR_CONSOLE_BUSY = createError('AR_ERR_CONSOLE_BUSY', 'Too many live consoles on this instance; retry later', 503)

// --- channels (WeChat, WeCom) ---
export const ERR_CHANNEL_SIGNATURE = createError('AR_ERR_CHANNEL_SIGNATURE', '%s: the signature does not match; check that the token (and EncodingAESKey) in the console and in the shop settings are the same', 401)
export const ERR_CHANNEL_NOT_CONFIGURED = createError('AR_ERR_CHANNEL_NOT_CONFIGURED', 'No %s account is configured for shop "%s" (README "Channels")', 404)
export const ERR_CHANNEL_BODY = createError('AR_ERR_CHANNEL_BODY', 'The %s message is not valid: %s', 400)
export const ERR_CHANNEL_DECRYPT = createError('AR_ERR_CHANNEL_DECRYPT', '%s: the message could not be decrypted: %s', 400)

// --- infrastructure ---
export const ERR_CONFIG_INVALID = createError('AR_ERR_CONFIG_INVALID', 'Invalid environment:\n%s', 500)
export const ERR_STORE_UNAVAILABLE = createError('AR_ERR_STORE_UNAVAILABLE', 'The handoff store is unavailable; retry later', 503)
export const ERR_RULES_LOADING = createError('AR_ERR_RULES_LOADING', 'The rule files are still loading after the start; retry shortly', 503)

// --- rule files (operators) ---
export const ERR_RULES_INVALID = createError('AR_ERR_RULES_INVALID', 'Rule files are invalid:\n%s', 500)

/**
 * Codes a client may want to branch on, for the OpenAPI description. Each is returned somewhere
 * (test/routes/error-codes.test.ts): an empty text is AR_ERR_VALIDATION naming `text`, and /readyz
 * answers 503 with what is not ready in its body, not with a code.
 */
export const ERROR_CODES = [
  ERR_VALIDATION, ERR_INVALID_JSON, ERR_BODY_TOO_LARGE, ERR_UNSUPPORTED_MEDIA, ERR_MESSAGE_ID_REUSED,
  ERR_UNKNOWN_SHOP, ERR_UNAUTHORIZED, ERR_TOKEN_REQUIRED, ERR_BAD_SIGNATURE, ERR_AGENT_MISMATCH, ERR_TICKET_NOT_FOUND, ERR_NOT_TICKET_OWNER,
  ERR_CONVERSATION_NOT_FOUND,
  ERR_STORE_UNAVAILABLE, ERR_RULES_LOADING, ERR_RULES_INVALID, ERR_CONSOLE_DISABLED, ERR_CONSOLE_ROLE, ERR_CONSOLE_BUSY,
  ERR_CHANNEL_SIGNATURE, ERR_CHANNEL_NOT_CONFIGURED, ERR_CHANNEL_BODY, ERR_CHANNEL_DECRYPT
].map((E) => new E().code)
