/**
 * Size advice from a chart. Policy (documented in README): when height and weight point to
 * different sizes, the larger one — a garment too tight comes back, one a little loose rarely does.
 * A value on the boundary of two rows (158 in [150,158] and [158,165]) takes the larger size.
 */
export interface SizeRow { size: string; height_cm: [number, number]; weight_jin: [number, number] }

export type SizeAdvice =
  | { kind: 'fit'; size: string }
  | { kind: 'between'; size: string; heightSize: string; weightSize: string }
  | { kind: 'out_of_range'; which: 'height' | 'weight' | 'both' }
  | { kind: 'need'; missing: Array<'height' | 'weight'> }

function rowFor (rows: SizeRow[], pick: (r: SizeRow) => [number, number], value: number): number {
  // scan from the largest so that a boundary value lands in the larger size
  for (let i = rows.length - 1; i >= 0; i--) {
    const [lo, hi] = pick(rows[i]!)
    if (value >= lo && value <= hi) return i
  }
  return -1
}

export function recommendSize (rows: SizeRow[], m: { heightCm?: number; weightJin?: number }): SizeAdvice {
  const missing: Array<'height' | 'weight'> = []
  if (m.heightCm === undefined) missing.push('height')
  if (m.weightJin === undefined) missing.push('weight')
  if (missing.length > 0) return { kind: 'need', missing }
  const h = rowFor(rows, (r) => r.height_cm, m.heightCm!)
  const w = rowFor(rows, (r) => r.weight_jin, m.weightJin!)
  if (h < 0 || w < 0) return { kind: 'out_of_range', which: h < 0 && w < 0 ? 'both' : h < 0 ? 'height' : 'weight' }
  if (h === w) return { kind: 'fit', size: rows[h]!.size }
  return { kind: 'between', size: rows[Math.max(h, w)]!.size, heightSize: rows[h]!.size, weightSize: rows[w]!.size }
}
