/**
 * The shipped lexicons of the clause reading (src/matching/reading.ts): the words that tell what a
 * buyer is doing in a clause — asking how things work, reporting or chasing their own order or refund,
 * asking the shop to act, disputing, giving feedback. Operators add to every list per shop under
 * `reading:` in a rule file, and may switch these defaults off (`builtin: false`).
 *
 * Why lexicons and not a question mark: on the maintainers' real-buyer sets half of the own-case
 * messages were phrased as questions and most named no order (shared/REAL-TRAFFIC.md). What separates
 * them is what the clause asks about — the state of one thing in the world (到哪了, 怎么还没, 退了吗)
 * versus how things work in general (多久, 怎么申请, 谁出运费, 能不能).
 * Entries are written as buyers type them and normalised like keywords (traditional, full-width).
 */

export const MARKER_KINDS = [
  'question', 'whether', 'generic', 'roughly', 'timing', 'state', 'anomaly', 'chase', 'request', 'request_lead', 'request_act',
  'dispute', 'feedback', 'future', 'reference', 'other_topic', 'other_product', 'price_talk', 'today', 'purchase', 'hypothetical', 'connective', 'ignore'
] as const
export type MarkerKind = typeof MARKER_KINDS[number]

export const DEFAULT_MARKERS: Readonly<Record<MarkerKind, readonly string[]>> = {
  // how things work, whether something is possible: a policy or how-to question
  question: [
    '吗', '么', '嘛', '呢', '能不能', '可不可以', '可以不', '能否', '是否', '是不是', '会不会', '要不要', '有没有', '行不行',
    '怎么', '如何', '咋', '多久', '几天', '多少天', '多长时间', '谁', '哪', '什么', '啥', '支持', '一般', '需要', '还能', '可以',
    '能退', '能换', '能发', '能到', '能用', '几号', '几点', 'ma'
  ],
  // the answer is the same for every buyer: "一般几天到" asks the rule, not about one parcel
  generic: ['一般', '通常', '正常', '平时', '一般来说', '规则', '政策', '流程', '步骤', '规定', '天内', '以内', '之内', '以后', '之后', '下单后', '付款后', '拍下后', '拍了后'],
  // whether something may be done: a question about the rule even when the buyer names their order (我买的裙子能退吗)
  whether: ['能', '可以', '可不可以', '能不能', '支持', '还能', '行不行', '会不会', '要不要', '允许', '可不'],
  // roughly: "大概几天到" asks the rule, unless the buyer names their parcel (我的快递大概什么时候到)
  roughly: ['大概', '大约', '大致', '差不多'],
  // "when" questions: about the buyer's own order once something has happened to it
  timing: ['什么时候', '啥时候', '何时', '几时', '多久', '几天', '多长时间', '多少天', '哪天', '几号', '今天能', '今天可以', '明天能', '今天发', '今天就'],
  // perfective and state: something already happened to the buyer's own order or return
  state: [
    '已经', '已', '收到了', '收到货了', '签收', '显示', '拍了', '下单了', '付款了', '付了款', '寄回了', '寄回去了', '退回去了', '寄出了', '退回了', '退了',
    '申请了', '提交了', '天了', '填了', '填好了', '到了', '发了', '换了', '买了', '穿了', '洗了', '用了', '拆了', '退货了', '退款了', '寄过去了',
    '不想要了', '不要了', '不合适了'
  , '付的款', '下的单', '付款的', '我要退', '我想退', '要退货', '想退货', '我要换', '我想换', '想换货', '要换货', '我要退款', '想退款', '退回去的', '寄回去的', '寄出去了', '发出去了', '取消了', '拒收了', '拍的', '下单的', '申请的', '寄回的', '寄出的', '退回的', '买回来', '收到的时候', '说是', '客服说', '快递说', '你们说', '快递还在', '包裹还在', '想换', '要换', '想退', '要退', '想改', '想要换', '想要退', '换来的', '换回来的', '换新的', '换的新', '售后说', '师傅说', '商家说', '发的那个', '寄的那个', '发来的', '换货的', '换的那', '快递员说', '取件的说'],
  // anomaly and waiting: the case is not going as it should
  anomaly: [
    // defects found on arrival and pick-ups that did not happen: the buyer's own goods, whatever they ask next
    '划痕', '划伤', '瘪了', '凹了', '压坏', '压扁', '线头', '开线', '脱线', '起球', '褪色', '掉漆', '有异味', '有味道', '发霉', '变形', '鼓包', '缺角',
    '不制冷', '不出水', '漏水', '异响', '声音特别大', '声音很大', '黑屏', '没来取', '没上门', '没来啊', '忘了放', '忘记放', '忘了寄', '发现有',
    '还没', '怎么还', '怎么又', '咋又', '又退回', '又被退', '咋还', '还不', '一直不', '一直没', '一直在', '都没', '为什么不', '为什么没', '为啥不', '为啥没', '为什么还', '为啥还',
    '怎么没', '咋没', '怎么不', '没动', '不动了', '没更新', '没有更新', '没收到', '没到', '没有到', '没有收到', '天都没', '好几天', '这么久',
    '这么慢', '太慢', '迟迟', '到现在', '至今', '等了', '等半天', '没有物流', '没物流', '没显示', '卡在', '停在', '快递丢', '包裹丢', '丢件',
    '破了', '坏了', '烂了', '断了', '裂了', '有洞', '脏了', '漏了', '少发', '漏发', '发错', '错发', '少了一', '缺了', '不见了', '被退回',
    '退回发货地', '还在路上', '坏的', '开箱就', '收到就', '怎么发的', '咋发的', '怎么寄的', '怎么给我发', '没人管', '没人处理', '没反应', '没消息', '没回复', '超时'
  , '到底', '寄错', '好久', '失败', '填错', '写错', '太久', '停了', '不走了', '没动静', '异常', '问题件', '退件', '被签收', '别人签收', '代签', '被别人', '被人拿', '找不到快递', '查不到', '没查到', '为什么', '为啥', '凭啥', '怎么回事', '咋回事', '咋整', '怎么办啊', '还在仓库', '还没到', '又没', '都等', '等到现在', '等很久', '等好久', '等这么久', '等了好几天', '没来', '不派送', '不送货', '送不到', '不配送', '还是有问题', '还是不行', '又坏了', '不灵', '失灵', '不好使', '用不了', '不能用了', '选错', '手滑', '没人来', '人没来', '别又', '不收件', '说不收'],
  // the state of one thing: where it is, whether it happened yet
  chase: [
    '到哪了', '到哪里了', '到哪儿了', '到哪啦', '在哪了', '走到哪', '发了吗', '发了没', '发了么', '发没发', '发货没', '发出了吗', '寄了吗', '寄出了吗',
    '退了吗', '退了没', '到账了吗', '到账没', '到了吗', '到了没', '收到了吗', '收到没', '收到了没', '怎么样了', '处理了吗', '审核了吗',
    '通过了吗', '同意了吗', '好了吗', '什么时候到账', '啥时候到账', '什么时候退款', '啥时候退款', '什么时候退钱', '钱什么时候', '钱呢', '退款呢',
    '快递呢', '包裹呢', '单号呢', '物流呢', '查一下', '查查', '查下', '看一下物流', '看下物流', '了吗', '了没', '了么', '了嘛', '了没有',
    '什么时候给我', '啥时候给我', '什么时候能退', '什么时候退', '什么时候能到账', '什么时候处理'
  , '单号多少', '单号是多少', '怎么给我', '钱怎么', '进度呢', '什么进度', '进度怎么样', '进度如何', '到哪一步', '到什么地方了', '出来没有', '发出来没', '到没有', '退没有', '收到没有', '处理没有', '发没有', '寄没有', '好没有', '到账没有', '送到没', '换货什么时候', '换新的什么时候', '新的什么时候', '补发的什么时候', '什么时候补', '换货啥时候', '换货何时'],
  // asking the shop to act on the case, without a lead word
  request: [
    '催一下', '催催', '催下', '帮忙催', '加急', '改地址', '修改地址', '地址改', '改一下地址', '换地址', '取消订单', '拦截', '补发', '重发', '补寄',
    '重新发', '给我退', '给我换', '给我补', '退给我', '赔给我', '同意一下', '同意退', '快点发', '快点退', '早点发', '尽早发', '今天发出', '今天给我发'
  , '一定要', '晚几天发', '晚点发', '延迟发', '先别发', '暂时不要发', '帮我跟', '帮我联系', '帮我问', '帮忙问', '帮我找', '联系快递', '退我', '补我', '赔我', '垫付', '催', '改成', '改为', '今天就给', '今天一定', '一起寄', '一起发', '一起给我寄', '放进去', '放一张', '放包裹里', '放在包裹', '补给我', '返给我', '打给我', '转给我', '看着处理', '看着办', '处理一下', '给个处理', '务必'],
  // a lead word followed in the same clause by an action word is a request: 帮我 + 改, 麻烦 + 发, 尽快 + 退
  request_lead: ['帮我', '给我', '麻烦', '尽快', '赶紧', '快点', '帮忙', '请帮', '速度', '马上', '抓紧', '立刻', '能帮', '可以帮', '帮个忙'],
  request_act: ['发', '寄', '退', '换', '改', '查', '催', '处理', '取消', '备注', '补', '同意', '拦截', '安排', '核实', '审核', '赔', '报销'],
  // disputes: the buyer disagrees with what happened in their case
  dispute: [
    '不合理', '要个说法', '给个说法', '给我个说法', '说不能退', '说不能换', '说要我', '要我付', '要我出', '让我付', '让我出',
    '只退了', '退了一半', '少退', '退少了', '拒收', '不同意', '人为', '被拒', '拒绝', '驳回', '不给退', '不让退', '不给换', '不让换', '凭什么',
    '扣钱', '扣了', '不给我', '不承认', '不认', '说我人为', '说是人为', '颜色不对', '尺码不对', '码数不对', '不是我买的', '不是我要的', '和图片不', '跟图片不',
    '货不对板', '质量太差', '有色差', '色差大'
  , '说好', '不是说', '不对', '不一样', '这么点', '怎么只', '不给取', '不给收', '不让寄', '不给寄', '发来的是', '寄来的是', '收到的是', '给我发的是', '我要的是', '根本没', '根本就没', '退款少了', '钱少了', '少退了', '少给了', '少给我'],
  // praise, thanks and instructions for next time: a keyword in them asks nothing (你家发货真快)
  feedback: [
    '真快', '好快', '很快', '挺快', '超快', '速度快', '神速', '好评', '五星', '很喜欢', '超喜欢', '喜欢的', '不错', '很好', '挺好', '满意', '谢谢',
    '感谢', '多谢', '辛苦', '注意一下', '检查一下', '包装好点', '点赞', '给力', '棒', '回购', '推荐给', '还会来', '还来买'
  , '好看', '真的快', '是真快', '蛮快', '速度可以', '速度很快', '态度好', '态度也好', '就是快', '物流快', '物流很快', '物流真快', '快递快', '很及时', '挺及时', '蛮及时', '真及时', '非常及时', '特别及时', '很准时', '很负责', '很专业', '很正', '爱了', '绝了', '太美了', '美哭'],
  // instructions for next time: nothing in the clause is about the order at hand (下次发货检查一下)
  future: ['下次', '下回', '下一次', '以后买', '以后发', '下次发', '再买的时候'],
  // the buyer names their own order, parcel or refund
  reference: [
    '订单号', '这单', '这个单', '那单', '这一单', '我的订单', '我的快递', '我的包裹', '我的退款', '我的退货', '我的换货', '我买的那', '第二个包裹',
    '第一个包裹', '另一个包裹', '我买的这', '我拍的这', '单号', '快递单', '运单', '我这单', '我这个订单', '我拍的', '我下的单', '我的货', '我的衣服', '我的口红', '我那个'
  ],
  // words that put a clause about something the shop's rules do not cover: a keyword there answers nothing
  other_topic: [
    '屏幕', '充电', '电池',
    '袜子', '零食', '饼干', '茶叶', '咖啡', '坚果',
    '保质期', '生产日期', '发票', '差价', '价格', '降价', '价保', '保价', '优惠', '券', '红包', '积分', '会员', '电话', '手机号', '微信',
    '保修', '安装', '说明书', '配件', '遥控', '插头', '电源', 'a4纸', '打印纸', '分辨率', '英寸', '内存', '续航', '电话号码', '手机号码', '号码是', '号码多少'
  , 'a4', '贵', '便宜', '充满', '电量', '匹', '鞋带',
    // products of other shops: electronics, appliances, home, food, watches, bags (a size or a colour of
    // these is no question about our clothes or shades)
    '表盘', '表带', '蓝牙', 'wifi',
    '以旧换新', '能效', '度电', '功率', '电压', '变频', '制冷', '制热', '噪音', '开机', '死机',
    '按摩', '马桶', '花洒',
    '水龙头', '窗帘', '窗户', '沙发', '床垫', '床单', '被子', '枕头', '四件套', '地毯', '桌子', '椅子', '柜子', '台灯', '灯泡', '镜子', '书包', '背包',
    '行李箱', '雨伞', '玩具', '奶瓶', '奶粉', '尿不湿', '纸尿裤', '婴儿车', '自行车', '头盔', '水果', '牛奶', '酸奶', '大米', '牛排', '猪肉', '牛肉',
    '鸡蛋', '蛋糕', '月饼', '粽子', '白酒', '红酒', '蜂蜜', '面包', '巧克力', '方便面', '螺蛳粉', '海鲜', '冷链', '冰袋', '化冻', '变质', '面膜',
    '面霜', '精华液', '洗面奶', '粉底', '眼影', '香水', '洗发水', '沐浴露', '价钱', '批发', '联系方式', '客服电话', '实体店', '线下店', '门店', '网点', '厂家', '京东客服', '找京东', '官方售后',
    '推车', '婴儿床', '儿童床', '餐椅', '手机壳', '外壳', '保护壳', '钢化膜', '布样', '色卡', '车衣', '鞋垫', '帽子', '围巾', '手套', '钱包', '皮带', '眼镜',
    // asking for pictures or a video, and state subsidies: no rule of ours answers them
    '试色视频', '有视频吗', '有没有视频', '视频看看', '实拍图', '实拍视频', '直播间', '国家补贴', '国补', '政府补贴', '跟图片', '和图片', '与图片', '跟图上', '和图上', '图片上', '支架', '气垫', '遮瑕', '腮红', '眉笔', '眼线', '散粉', '粉饼', '高光', '修容', '指甲油', '滤网', '滤芯', '定金', '订金'],
  // goods a clothes-and-lipstick shop does not size or colour: a size or colour word beside them is theirs
  // (包的尺寸多大, 能放得下ipad吗), but a return or shipping question still is ours. Shoes stay out: the
  // demo shop answers 鞋码 with its size chart
  other_product: [
    '肩带', '斜挎', '包包', '手提包', '双肩包', '挎包', '钱包', '背包', '包的尺寸', '包多大', '锅', '碗', '杯子', '尿裤', '纸尿', '奶粉',
    '这两个尺寸', '两个尺寸', '屏', '寸的', '放得下', '装得下', '收纳', '童装', '童裙', '儿童款',
    // electronics and appliances: their size or colour is not ours, but whether they can be returned and when they ship is (激活了还能退吗, 耳机拆封了能退不)
    '冰箱', '洗衣机', '空调', '电视', '手机', '电脑', '笔记本', '平板', '耳机', '键盘', '鼠标', '显示器', '音箱', '相机', '路由器', '电饭煲', '微波炉', '热水器', '吸尘器', '风扇', '吹风机', '充电器', '充电宝', '数据线', '手环', '手表', '音响', '投影', '打印机', '摄像头', '监控', '硬盘', 'u盘', '激活', '扫地机', '洗碗机', '烤箱', '空气炸锅', '豆浆机', '榨汁机', '破壁机', '净水器', '加湿器', '电水壶', '热水壶', '足浴盆', '剃须刀', '牙刷', '油烟机', '燃气灶', '冰柜', '烘干机', '晾衣架'
  ],
  // price talk and haggling anywhere in the message: a postage or return word in it argues about the price
  // (别家都包邮 你家还收运费 少点呗), so nothing in the message is answered
  price_talk: ['别家卖', '你们卖', '两份运费', '收了两份', '合并', '这么贵', '贵了', '太贵', '才卖', '都包邮', '自营都', '便宜点', '便宜一点', '再便宜', '少点', '少一点', '少几块', '打个折', '打折吗', '能打折', '折扣', '砍价', '抹零', '抹个零', '再减', '让点', '优惠点', '最低价', '底价', '批发价', '能不能便宜', '可以便宜', '便宜些', '涨价', '变相', '比昨天', '比之前贵', '多收', '多扣', '别人买同款', '别人都是'],
  // the same day: "今天能送到吗" asks about a parcel already on its way, unless the buyer speaks of buying (今天下单今天能发吗)
  today: ['今天', '今晚', '今儿', '中午', '下午', '上午', '晚上'],
  // buying now or later: a same-day question beside it is about an order not yet placed
  purchase: ['下单', '拍', '付款', '购买', '买', '付尾款', '支付'],
  // what might happen, or what happened elsewhere: "万一尺码不对能换吗" and "之前别家等了一周" are no case of ours
  hypothetical: ['万一', '如果', '要是', '假如', '假设', '的话', '怕', '担心', '以防', '不会不', '别家', '别的店', '其他家', '之前买', '上次买', '以前买'],
  // connectives start a new clause: "我下单了但是还没发" is two clauses
  connective: ['但是', '可是', '而且', '然后', '不过', '结果', '所以', '另外', '顺便问', '请问', '想问', '问一下', '问下', '还想问', '就是说'],
  // phrases that contain a marker but are not one
  ignore: ['一起寄回', '一起退回', '一起发回', '得了吗', '的了吗', '得了么', '补差价', '已经是', '而已', '没问题', '还没买', '还没拍', '还没下单', '还没付款', '还没想好', '还不错', '还不如', '那么', '什么样', '多么', '对不对', '什么不一样', '啥不一样', '哪里不一样', '有什么不同']
}
