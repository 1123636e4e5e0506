import { describe, it, expect } from 'vitest'
import { renderTemplate } from '../../src/replies/template.js'

describe('reply templates', () => {
  it('fills every placeholder it has a value for, numbers included, as often as it appears', () => {
    expect(renderTemplate('亲，前面还有{position}位，{name}稍等，第{position}位', { position: 3, name: '小红' })).toBe('亲，前面还有3位，小红稍等，第3位')
  })

  it('leaves an unknown or unset placeholder visible, so a typo shows instead of vanishing', () => {
    expect(renderTemplate('前面还有{positon}位', { position: 3 })).toBe('前面还有{positon}位')
    expect(renderTemplate('{size}码', { size: undefined })).toBe('{size}码')
  })

  it('touches only lower-case names in braces', () => {
    expect(renderTemplate('{Size} {a-b} {} {size}', { size: 'M' })).toBe('{Size} {a-b} {} M')
  })

  it('reads only the values it was given, never what every object inherits', () => {
    expect(renderTemplate('{constructor} {to_string} {size}', { size: 'M' })).toBe('{constructor} {to_string} M')
    expect(renderTemplate('没有占位符', { size: 'M' })).toBe('没有占位符')
  })
})
