/**
 * Built-in complaint and anger words (BRIEF J6). They outrank every rule so that an angry buyer is
 * never sent a canned policy answer. Operators extend them with `handoff.escalate.keywords`, veto
 * with `handoff.escalate.not`, or switch them off with `builtin_lexicon: false`.
 * Kept to words that are complaints in a shop chat on their own; ambiguous ones (滚, 差) stay out.
 * 垃圾 alone is anger in a clothes or cosmetics chat; its household senses are vetoed below.
 */
export const COMPLAINT_LEXICON: readonly string[] = [
  '投诉', '差评', '12315', '骗子', '举报', '欺诈', '诈骗', '骗人', '骗钱', '坑人', '坑爹', '黑店', '垃圾', '倒闭', '破店', '避雷', '太坑', '好坑', '真坑', '一星', '差劲', '这么差', '太差了', '差的店', '恶心死',
  '做不做生意', '还做不做', '良心', '要负责', '你们负责', '负责到底', '发怒',
  '什么破', '破玩意', '破东西', '垃圾东西', '垃圾质量', '太垃圾', '真垃圾', '垃圾客服', '卖假货', '假冒伪劣',
  '消协', '消费者协会', '工商局', '市场监管', '315', '退一赔三', '假一赔三', '起诉', '律师', '曝光', '维权',
  '态度太差', '态度差', '态度很差', '态度恶劣', '气死我', '太过分', '欺负人', '无良', '恶心', '坑货', '被骗', '上当', '恶意', '赔偿',
  '他妈', '妈的', 'tmd', 'nmd', '傻逼', 'sb客服', '狗屎',
  // disappointment, fakes and escalation to the platform: common in real chats, rare outside complaints
  '平台介入', '小二介入', '申请介入', '找平台', '假货', '虚假宣传', '虚假', '失望', '再也不买', '再也不来', '不会再买', '必须负责', '踢皮球',
  '不想开了', '发评论区', '曝光你们', '骗我',
  // contempt and bad faith: the buyer accuses the shop rather than asks (耍我, 以次充好, 客服就是摆设)
  '耍我', '耍人', '缺德', '死人吗', '吃官司', '打官司', '法院见', '黑心', '以次充好', '欺负我', '欺负老人', '摆设', '忽悠', '糊弄', '敷衍', '奸商', '无耻', '不要脸', '流氓', '坑我', '霸王条款',
  // the service's attitude and the shop's tricks, scorned (客服什么态度啊, 爱答不理, 机器人回复有个屁用, 全是套路)
  '什么态度', '爱答不理', '爱理不理', '受气', '屁用', '全是套路', '都是套路', '套路我', '玩套路',
  '这什么服务', '什么服务态度', '是不是都死了', '人都死了', '死哪去了', '狗屁', '这么做生意', '态度极差', '极差',
  // insults to the bot itself (蠢机器人 智障)
  '智障', '弱智', '脑残', '蠢货', '蠢机器人', '蠢死', '真蠢', '太蠢', '好蠢', '破机器人', '傻x', '是死了吗', '客服死了',
  // threats beyond the platform (打消费者热线, 报警)
  '消费者热线', '报警', '真笨', '太笨'
]

/** Phrases that contain a lexicon word but are not complaints ("不会给差评" is a promise). */
export const COMPLAINT_LEXICON_NOT: readonly string[] = [
  '不会差评', '不给差评', '不会给差评', '不投诉', '不是投诉', '别投诉', '不是骗子', '防骗', '怕被骗', '不是被骗',
  '垃圾袋', '垃圾桶', '垃圾分类', '不是假货', '是假货吗', '会是假货', '不会失望', '没失望',
  // the household sense: an installer who took the rubbish away is praised, not accused
  '有没有假货', '是不是假货', '假货吗', '垃圾带走', '垃圾都带走', '带走垃圾', '扔垃圾', '倒垃圾', '清理了垃圾', '清理垃圾', '垃圾清理', '收拾垃圾', '垃圾收拾', '不敷衍',
  // family words and questions: 送妈妈的话 holds 妈的; whether the shop is responsible, or whom to ask, is no accusation
  // a hope, not a grievance: 希望别让我失望
  '别让我失望', '不要让我失望', '不会让我失望',
  '妈妈的', '姥姥的', '我妈的', '老妈的', '给妈的', '咱妈的', '你们负责吗', '负责吗', '谁负责', '负不负责', '还是找平台', '找平台还是'
]
