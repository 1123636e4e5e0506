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

/**
 * The wording that names a question in the list: the one written exactly as its normalised key
 * (no punctuation, simplified characters) when a buyer wrote it so, else the shortest. Not the
 * newest, or the heading would change with whoever asked last.
 */
function headline (row: UnmatchedCount): string {
  const plain = row.examples.find((e) => e === row.key)
  if (plain) return plain
  const shortest = [...row.examples].sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0))[0]
  return shortest ?? row.key
}

export interface MergedUnmatched { text: string; count: number; examples: string[]; variants: string[] }

export function mergeNearDuplicates (rows: UnmatchedCount[], limit: number): MergedUnmatched[] {
  const groups: Array<{ core: string; text: string; count: number; examples: string[]; variants: string[] }> = []
  // Ties broken by the shorter, then the smaller key: the stores return equal counts in different
  // orders (Redis by member, the embedded store by arrival), and the list must not depend on it.
  // The shortest wording is usually the bare question the others add particles to.
  const ordered = [...rows].sort((a, b) => b.count - a.count || a.key.length - b.key.length || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  for (const row of ordered) {
    const c = core(row.key)
    const g = groups.find((x) => close(x.core, c))
    if (g) {
      g.count += row.count
      g.variants.push(row.key)
      for (const e of row.examples) if (g.examples.length < 5 && !g.examples.includes(e)) g.examples.push(e)
    } else {
      groups.push({ core: c, text: headline(row), count: row.count, examples: row.examples.slice(0, 5), variants: [row.key] })
    }
  }
  // a stable sort: equal counts keep the order above
  return groups.sort((a, b) => b.count - a.count).slice(0, limit).map(({ core: _c, ...g }) => g)
}
