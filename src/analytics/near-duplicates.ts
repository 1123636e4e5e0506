/**
 * Folds near-duplicate unanswered questions together for the operator's list: "我的快递到哪了" and
 * "我的快递到哪了呀" are one question. Keys are already normalised (see matching/normalise).
 */
// natural's package root reads .env and loads database clients: import the one module we need.
import distances from 'natural/lib/natural/distance/levenshtein_distance.js'
import type { UnmatchedCount } from '../store/types.js'

// Sentence-final particles and fillers that do not change the question.
const PARTICLES = /^(亲|请问|你好|您好|在吗|老板)+|(吗|呢|啊|呀|吧|嘛|哈|哦|喔|哇|啦|了)+$/g

function core (key: string): string {
  const c = key.replace(PARTICLES, '')
  return c === '' ? key : c
}

function close (a: string, b: string): boolean {
  if (a === b) return true
  const len = Math.max(a.length, b.length)
  if (len < 5) return false
  // one edit in five characters or more: a typo or a swapped word, not another question
  return distances.DamerauLevenshteinDistance(a, b) <= Math.floor(len / 5)
}

export interface MergedUnmatched { text: string; count: number; examples: string[]; variants: string[] }

export function mergeNearDuplicates (rows: UnmatchedCount[], limit: number): MergedUnmatched[] {
  const groups: Array<{ core: string; text: string; count: number; examples: string[]; variants: string[] }> = []
  for (const row of [...rows].sort((a, b) => b.count - a.count)) {
    const c = core(row.key)
    const g = groups.find((x) => close(x.core, c))
    if (g) {
      g.count += row.count
      g.variants.push(row.key)
      for (const e of row.examples) if (g.examples.length < 5 && !g.examples.includes(e)) g.examples.push(e)
    } else {
      groups.push({ core: c, text: row.examples[0] ?? row.key, count: row.count, examples: row.examples.slice(0, 5), variants: [row.key] })
    }
  }
  return groups.sort((a, b) => b.count - a.count).slice(0, limit).map(({ core: _c, ...g }) => g)
}
