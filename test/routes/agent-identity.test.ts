/**
 * AGENT_TOKENS: each agent authenticates as themselves; one agent cannot act as another nor on a
 * ticket another holds; the shared AGENT_TOKEN still acts as anyone.
 */
import { describe, it, expect } from 'vitest'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build, msg } from '../helpers/build.js'
import { loadAgentTokens } from '../../src/plugins/auth.js'

const ALICE = 'alice-token-0123456789'
const BOB = 'bob-token-0123456789ab'
const SHARED = 'shared-desk-token-0123'

describe('agent identity (AGENT_TOKENS)', () => {
  it('an agent acts only as themselves and only on tickets they hold; the shared token still works', async () => {
    const app = await build({ env: { AGENT_TOKENS: `alice=${ALICE},bob=${BOB}`, AGENT_TOKEN: SHARED } })
    const as = (token: string | undefined, url: string, payload: object) =>
      app.inject({ method: 'POST', url, payload, headers: token ? { authorization: `Bearer ${token}` } : {} })
    await app.inject({ method: 'POST', url: '/v1/messages', payload: msg('我的快递到哪了', { conversationId: 'id-1' }) })
    await app.inject({ method: 'POST', url: '/v1/messages', payload: msg('转人工', { conversationId: 'id-2' }) })

    expect((await as(undefined, '/v1/handoff/claim', { agentId: 'alice' })).json()).toMatchObject({ statusCode: 401, code: 'AR_ERR_UNAUTHORIZED' })
    expect((await as('not-a-token-at-all-xx', '/v1/handoff/claim', { agentId: 'alice' })).statusCode).toBe(401)
    // bob's token cannot claim as alice
    const posing = await as(BOB, '/v1/handoff/claim', { agentId: 'alice' })
    expect(posing.json()).toMatchObject({ statusCode: 403, code: 'AR_ERR_AGENT_MISMATCH' })
    expect(posing.json().message).toContain('"bob"')

    const ticket = (await as(ALICE, '/v1/handoff/claim', { agentId: 'alice' })).json()
    expect(ticket).toMatchObject({ conversationId: 'id-1', agentId: 'alice' })
    // bob, as himself, cannot answer or resolve alice's ticket
    const reply = await as(BOB, `/v1/handoff/tickets/${ticket.id}/replies`, { agentId: 'bob', text: '我来', clientMsgId: 'b1' })
    expect(reply.json()).toMatchObject({ statusCode: 409, code: 'AR_ERR_NOT_TICKET_OWNER' })
    expect((await as(BOB, `/v1/handoff/tickets/${ticket.id}/resolve`, { agentId: 'alice' })).statusCode).toBe(403)
    // alice can; the scheme name is case-insensitive
    const mine = await app.inject({ method: 'POST', url: `/v1/handoff/tickets/${ticket.id}/replies`, payload: { agentId: 'alice', text: '在的', clientMsgId: 'a1' }, headers: { authorization: `bearer ${ALICE}` } })
    expect(mine.statusCode).toBe(200)
    // the shared token acts as anyone (a desk integration that names its agents itself)
    expect((await as(SHARED, '/v1/handoff/claim', { agentId: 'carol' })).json()).toMatchObject({ conversationId: 'id-2', agentId: 'carol' })
    expect((await as(SHARED, `/v1/handoff/tickets/${ticket.id}/resolve`, { agentId: 'alice' })).json()).toEqual({ ok: true })
    // reading history needs an agent token too
    expect((await app.inject({ method: 'GET', url: '/v1/conversations/id-1' })).statusCode).toBe(401)
    expect((await app.inject({ method: 'GET', url: '/v1/conversations/id-1', headers: { authorization: `Bearer ${BOB}` } })).statusCode).toBe(200)
  })

  it('tokens come from the environment (pairs or JSON) or a file; bad entries stop start-up with the reason', () => {
    const dir = mkdtempSync(join(tmpdir(), 'agents-'))
    const file = join(dir, 'agents.yaml')
    writeFileSync(file, `carol: carol-token-0123456789\nalice: alice-from-file-0123456\n`)
    expect(loadAgentTokens(`alice=${ALICE}, bob=${BOB}`, undefined)).toEqual({ alice: ALICE, bob: BOB })
    expect(loadAgentTokens(JSON.stringify({ alice: ALICE }), file)).toEqual({ alice: 'alice-from-file-0123456', carol: 'carol-token-0123456789' })
    expect(() => loadAgentTokens('alice=short', undefined)).toThrow(/at least 16 characters/)
    expect(() => loadAgentTokens(`_queue=${ALICE}`, undefined)).toThrow(/must not be empty or start with "_"/)
    expect(() => loadAgentTokens('alice', undefined)).toThrow(/agentId=token/)
  })
})
