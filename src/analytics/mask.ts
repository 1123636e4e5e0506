/**
 * Buyers' phone numbers, ID numbers and addresses masked before a message enters the unanswered-
 * question analytics (kept 35 days, read by operators, not agents) or a log line. The agent still
 * sees the whole chat: masking is for the places that keep text beyond the conversation.
 * Patterns are for mainland China: 11-digit mobiles (with +86, spaces or dashes), landlines with an
 * area code, 18/15-digit resident ID numbers, and addresses with a street or building part.
 */

// digits may be split by spaces or dashes (138 1234 5678, 138-1234-5678); never inside a longer number
const MOBILE = /(?<![\d])(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}(?![\d])/g
const LANDLINE = /(?<![\d])0\d{2,3}[\s-]\d{7,8}(?![\d])/g
const ID_NUMBER = /(?<![\d])(?:\d{17}[\dXx]|\d{15})(?![\dXx])/g
// a place part (province … district, road, street, estate) followed by a number with a unit
// (号, 栋, 单元, 室, 楼): "北京市朝阳区建国路88号", "幸福小区3栋2单元501室"
const ADDRESS = /[\p{Script=Han}A-Za-z\d]*(?:省|市|区|县|镇|乡|村|路|街|巷|弄|道|小区|花园|公寓|大厦|广场)[\p{Script=Han}A-Za-z\d#-]*?\d+\s*(?:号楼|号院|号|栋|幢|座|单元|室|楼)(?:[\p{Script=Han}A-Za-z\d#-]*?\d+\s*(?:号|栋|幢|座|单元|室|楼))*/gu

export function maskPersonalData (text: string): string {
  return text
    .replace(ID_NUMBER, '[身份证号]')
    .replace(MOBILE, '[手机号]')
    .replace(LANDLINE, '[电话]')
    .replace(ADDRESS, '[地址]')
}
