import { describe, it, expect } from 'vitest'
import { recommendSize } from '../../src/replies/size-chart.js'

describe('size advice', () => {
  const rows = [
    { size: 'S', height_cm: [150, 158] as [number, number], weight_jin: [80, 95] as [number, number] },
    { size: 'M', height_cm: [158, 165] as [number, number], weight_jin: [95, 110] as [number, number] },
    { size: 'L', height_cm: [165, 170] as [number, number], weight_jin: [110, 125] as [number, number] }
  ]
  it('fits when both agree; the larger size when they differ; a boundary takes the larger', () => {
    expect(recommendSize(rows, { heightCm: 160, weightJin: 100 })).toEqual({ kind: 'fit', size: 'M' })
    expect(recommendSize(rows, { heightCm: 155, weightJin: 115 })).toEqual({ kind: 'between', size: 'L', heightSize: 'S', weightSize: 'L' })
    expect(recommendSize(rows, { heightCm: 158, weightJin: 96 })).toEqual({ kind: 'fit', size: 'M' })
  })
  it('outside the chart, and missing figures', () => {
    expect(recommendSize(rows, { heightCm: 185, weightJin: 100 })).toEqual({ kind: 'out_of_range', which: 'height' })
    expect(recommendSize(rows, { heightCm: 160 })).toEqual({ kind: 'need', missing: ['weight'] })
  })
})
