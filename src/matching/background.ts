/**
 * What a shop bot must NOT answer with a policy text: the buyer's own order, parcel or refund, stock,
 * prices and coupons, invoices, product details, chit-chat. The paraphrase classifier learns these
 * as its "none" class beside the operators' not_examples, so that an unknown wording lands on "a
 * person should take this" instead of the nearest policy. Written as buyers write, not as rules.
 */
export const BACKGROUND_MESSAGES: readonly string[] = [
  // the buyer's own order and parcel
  '我的快递到哪了', '我的包裹怎么还没到', '物流三天没动了', '怎么还没发货啊', '帮我查一下订单', '订单号发你了帮我看看',
  '快递显示签收了但我没收到', '快递员说放驿站了', '能不能帮我催一下快递', '我昨天拍的发了没', '我的单号是多少',
  '地址写错了能改吗', '帮我改一下收货地址', '我想取消订单', '拍错了能取消吗', '收到的衣服有个洞', '少发了一件',
  '发错颜色了', '包装破了', '收到的口红断了', '衣服有线头', '这个是不是二手的',
  // the buyer's own refund or return in progress
  '我的退款怎么还没到账', '退款什么时候到', '我已经寄回去了', '退货单号填好了', '为什么拒绝我的退款', '退款被驳回了',
  '钱什么时候退给我', '我申请了退款你们同意一下', '售后怎么没人处理',
  // stock, prices, coupons, invoices
  '还有货吗', '什么时候补货', 'm码还有吗', '这款会补吗', '多少钱', '能便宜点吗', '有优惠券吗', '满减怎么用',
  '能开发票吗', '发票抬头怎么填', '可以开专票吗', '会员有折扣吗', '能不能少点', '直播间价格一样吗', '有赠品吗',
  '批发价多少', '可以代发吗', '拍两件能便宜吗', '这个券为什么用不了', '价格保护吗',
  // product details a person should answer
  '这件是什么面料', '会起球吗', '掉色吗', '可以机洗吗', '是纯棉的吗', '孕妇能用吗', '会过敏吗', '保质期多久',
  '是正品吗', '有质检报告吗', '这个和那个有什么区别', '模特穿的是哪一款', '厚不厚', '透不透', '有里衬吗',
  '口红会沾杯吗', '持久吗', '成分安全吗', '是哪里生产的', '包装是什么样的',
  // chit-chat and the rest
  '你是机器人吗', '今天天气怎么样', '你叫什么名字', '哈哈哈', '好的谢谢', '知道了', '嗯嗯', '收到', '拜拜',
  '你们店在哪里', '有实体店吗', '可以线下看吗', '能视频看看吗', '怎么联系你们', '加个微信吧', '你们招人吗',
  '链接发我一下', '这个链接是哪件', '帮我推荐一件外套', '送女朋友什么好'
]
