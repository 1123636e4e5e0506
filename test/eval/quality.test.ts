/**
 * Answer quality is the product: on our labelled buyer messages the bot must stay right when it
 * answers (precision ≥ 97%) and answer most of what it can (coverage ≥ 85%). `npm run eval` prints
 * the per-intent table and every mistake when this fails.
 */
import { describe, it, expect, beforeAll } from 'vitest'
import { readFile } from 'node:fs/promises'
import { loadRulesDir } from '../../src/rules/load.js'
import { buildEngine, type ShopEngine } from '../../src/engine/engine.js'
import { classifierFallback } from '../../src/matching/classifier.js'
import { evaluate, parseLabelled, type Labelled } from '../../src/quality/evaluate.js'
import { DEMO_RULES } from '../helpers/build.js'

let engine: ShopEngine
let messages: Labelled[]
beforeAll(async () => {
  const { shops } = await loadRulesDir(DEMO_RULES)
  engine = buildEngine(shops.get('default')!, [classifierFallback()])
  messages = parseLabelled(await readFile(new URL('../fixtures/messages.jsonl', import.meta.url), 'utf8'))
})

describe('answer quality on the labelled buyer messages', () => {
  it('has hundreds of varied messages, many that must be handed off', () => {
    expect(messages.length).toBeGreaterThanOrEqual(400)
    const handoffs = messages.filter((m) => m.intents.every((i) => ['none', 'human_request', 'complaint'].includes(i)))
    expect(handoffs.length).toBeGreaterThanOrEqual(100)
  })

  it('precision ≥ 97% and coverage ≥ 85%', () => {
    const { overall, mistakes } = evaluate(engine, messages)
    const detail = mistakes.slice(0, 15).map((m) => `${m.text} → ${m.got.join('+')} (expected ${m.expected.join('+')})`).join('\n')
    expect(overall.precision, detail).toBeGreaterThanOrEqual(0.97)
    expect(overall.coverage).toBeGreaterThanOrEqual(0.85)
  })

  it.each(['holdout.jsonl', 'blind.jsonl'])('holds on the other labelled sets too: %s', async (file) => {
    const other = parseLabelled(await readFile(new URL(`../fixtures/${file}`, import.meta.url), 'utf8'))
    const { overall, mistakes } = evaluate(engine, other)
    const detail = mistakes.slice(0, 15).map((m) => `${m.text} → ${m.got.join('+')} (expected ${m.expected.join('+')})`).join('\n')
    expect(overall.precision, detail).toBeGreaterThanOrEqual(0.97)
    expect(overall.coverage).toBeGreaterThanOrEqual(0.85)
  })

  it('never answers a complaint with a canned reply', () => {
    const complaints = messages.filter((m) => m.intents.includes('complaint'))
    const { perIntent } = evaluate(engine, complaints)
    expect(perIntent.complaint?.wrong ?? 0).toBe(0)
  })
})
