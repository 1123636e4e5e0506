/**
 * Answer quality is the product: on our labelled buyer messages the bot must stay right when it
 * answers and leave the buyer's own case to a person. The realistic development set is
 * test/fixtures/realistic/dev.jsonl and first-read.jsonl together (1,776 messages, ~70% must hand off,
 * like real traffic; first-read.jsonl was read once blind, then opened for tuning): it keeps precision
 * ≥ 97% and answers at most 1.5% of the messages a person must take, each file on its own too; the older
 * sets keep precision ≥ 97% and coverage ≥ 90%. `npm run eval` prints the tables and every mistake when
 * this fails. sealed-*.jsonl are never read here: they are the honest held-out estimate, read once by
 * the maintainers.
 */
import { describe, it, expect, beforeAll } from 'vitest'
import { readFile } from 'node:fs/promises'
import { loadRulesDir } from '../../src/rules/load.js'
import { buildEngine, type ShopEngine } from '../../src/engine/engine.js'
import { classifierFallback } from '../../src/matching/classifier.js'
import { loadConfig } from '../../src/config.js'
import { evaluate, parseLabelled, type EvalReport, type Labelled } from '../../src/quality/evaluate.js'
import { DEMO_RULES } from '../helpers/build.js'

let engine: ShopEngine
const read = async (file: string): Promise<Labelled[]> => parseLabelled(await readFile(new URL(`../fixtures/${file}`, import.meta.url), 'utf8'))
const detail = (r: EvalReport) => r.mistakes.slice(0, 15).map((m) => `${m.text} → ${m.got.join('+')} (expected ${m.expected.join('+')})`).join('\n')

beforeAll(async () => {
  // the engine as the service builds it with its default configuration
  const config = loadConfig({})
  const { shops } = await loadRulesDir(DEMO_RULES)
  engine = buildEngine(shops.get('default')!, config.CLASSIFIER ? [classifierFallback()] : [], { typos: config.TYPOS })
})

const DEVELOPMENT = ['realistic/dev.jsonl', 'realistic/first-read.jsonl']
const development = async (): Promise<Labelled[]> => (await Promise.all(DEVELOPMENT.map(read))).flat()

describe('answer quality on the realistic development set', () => {
  it('looks like real traffic: at least 1,500 messages, most of them for a person', async () => {
    const dev = await development()
    expect(dev.length).toBeGreaterThanOrEqual(1500)
    const { overall } = evaluate(engine, dev)
    expect(overall.mustHandOff / overall.total).toBeGreaterThanOrEqual(0.6)
  })

  it('precision ≥ 97%, wrong answers on must-hand-off messages ≤ 1.5%, coverage ≥ 75%', async () => {
    const report = evaluate(engine, await development())
    const { overall } = report
    expect(overall.precision, detail(report)).toBeGreaterThanOrEqual(0.97)
    expect(overall.wrongOnMustHandOff / overall.mustHandOff, detail(report)).toBeLessThanOrEqual(0.015)
    expect(overall.coverage).toBeGreaterThanOrEqual(0.75)
  })

  it.each(DEVELOPMENT)('%s on its own: precision ≥ 97%, wrong answers on must-hand-off messages ≤ 1.5%', async (file) => {
    const report = evaluate(engine, await read(file))
    const { overall } = report
    expect(overall.precision, detail(report)).toBeGreaterThanOrEqual(0.97)
    expect(overall.wrongOnMustHandOff / overall.mustHandOff, detail(report)).toBeLessThanOrEqual(0.015)
  })
})

describe('answer quality on the older labelled sets', () => {
  it.each(['messages.jsonl', 'holdout.jsonl', 'blind.jsonl'])('%s: precision ≥ 97% and coverage ≥ 90%', async (file) => {
    const report = evaluate(engine, await read(file))
    expect(report.overall.precision, detail(report)).toBeGreaterThanOrEqual(0.97)
    expect(report.overall.coverage).toBeGreaterThanOrEqual(0.9)
  })

  it('never answers a complaint with a canned reply', async () => {
    const complaints = (await read('messages.jsonl')).filter((m) => m.intents.includes('complaint'))
    const { perIntent } = evaluate(engine, complaints)
    expect(perIntent.complaint?.wrong ?? 0).toBe(0)
  })
})
