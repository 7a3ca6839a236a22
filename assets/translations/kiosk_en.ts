<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>BusyView</name>
    <message>
        <source>不等了，返回首页</source>
        <translation>Stop waiting, back to home</translation>
    </message>
</context>
<context>
    <name>CategoryView</name>
    <message>
        <source>搜索事项</source>
        <translation>Search services</translation>
    </message>
    <message>
        <source>返回</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>等候 %1 人</source>
        <translation>%1 waiting</translation>
    </message>
    <message>
        <source>等候 %1 人，约 %2 分钟</source>
        <translation>%1 waiting, about %2 min</translation>
    </message>
</context>
<context>
    <name>CertificateBusyView</name>
    <message>
        <source>不等了，返回首页</source>
        <translation>Stop waiting, go home</translation>
    </message>
    <message>
        <source>正在向%1查询，请稍候</source>
        <translation>Asking %1, please wait</translation>
    </message>
    <message>
        <source>证明正在打印，请在出纸口等候</source>
        <translation>Printing; please wait at the paper outlet</translation>
    </message>
    <message>
        <source>正在确认打印结果…</source>
        <translation>Confirming the print…</translation>
    </message>
    <message>
        <source>一般只需几秒钟</source>
        <translation>This usually takes a few seconds</translation>
    </message>
    <message>
        <source>证明编号：%1</source>
        <translation>Document number: %1</translation>
    </message>
</context>
<context>
    <name>CertificateDoneView</name>
    <message>
        <source>请取走证明</source>
        <translation>Please take your certificate</translation>
    </message>
    <message>
        <source>证明编号：%1</source>
        <translation>Document number: %1</translation>
    </message>
    <message>
        <source>证明上的二维码可供查验真伪</source>
        <translation>The QR code on it lets anyone check that it is genuine</translation>
    </message>
    <message>
        <source>评价本次服务</source>
        <translation>Rate this service</translation>
    </message>
    <message>
        <source>完成</source>
        <translation>Done</translation>
    </message>
</context>
<context>
    <name>CertificateFailedView</name>
    <message>
        <source>证明编号：%1</source>
        <translation>Document number: %1</translation>
    </message>
    <message>
        <source>再打印一次</source>
        <translation>Print once more</translation>
    </message>
    <message>
        <source>呼叫工作人员</source>
        <translation>Call staff</translation>
    </message>
    <message>
        <source>返回首页</source>
        <translation>Home</translation>
    </message>
</context>
<context>
    <name>CertificateIdentifyView</name>
    <message>
        <source>请将本人身份证放在读卡区</source>
        <translation>Place your own ID card on the reader</translation>
    </message>
    <message>
        <source>已读取 %1 的身份证，正在准备…</source>
        <translation>ID card of %1 read, getting ready…</translation>
    </message>
    <message>
        <source>请注意</source>
        <translation>Please note</translation>
    </message>
    <message>
        <source>身份证阅读器暂时不能使用，不能打印证明</source>
        <translation>The card reader is not working: certificates cannot be printed now</translation>
    </message>
    <message>
        <source>请到总服务台，工作人员会帮助您</source>
        <translation>Please go to the main service desk; staff will help you</translation>
    </message>
    <message>
        <source>打印证明须使用本人身份证原件，不能手工输入号码。身份证放好后没有反应，请拿起后重新放置。</source>
        <translation>A certificate needs your own ID card on the reader; a typed number is not accepted. If nothing happens, lift the card and place it again.</translation>
    </message>
    <message>
        <source>返回</source>
        <translation>Back</translation>
    </message>
</context>
<context>
    <name>CertificateParamsView</name>
    <message>
        <source>查询期间</source>
        <translation>Period</translation>
    </message>
    <message>
        <source>近 %1 个月</source>
        <translation>Last %1 months</translation>
    </message>
    <message>
        <source>用途</source>
        <translation>Purpose</translation>
    </message>
    <message>
        <source>查询并生成证明</source>
        <translation>Get the certificate</translation>
    </message>
    <message>
        <source>返回</source>
        <translation>Back</translation>
    </message>
</context>
<context>
    <name>CertificatePreviewView</name>
    <message>
        <source>请注意</source>
        <translation>Please note</translation>
    </message>
    <message>
        <source>测试样例数据，打印件无证明效力</source>
        <translation>Sample data: the printout has no legal effect</translation>
    </message>
    <message>
        <source>%1  证明编号 %2</source>
        <translation>%1  Document number %2</translation>
    </message>
    <message>
        <source>个人信息已隐去部分；打印件与预览内容一致，带防伪二维码</source>
        <translation>Personal data is partly hidden; the printout matches this preview and carries a QR code for checking</translation>
    </message>
    <message>
        <source>取消，不打印</source>
        <translation>Cancel, do not print</translation>
    </message>
    <message>
        <source>确认打印</source>
        <translation>Print</translation>
    </message>
</context>
<context>
    <name>CertificateRateView</name>
    <message>
        <source>证明编号：%1</source>
        <translation>Document number: %1</translation>
    </message>
</context>
<context>
    <name>CertificateTypesView</name>
    <message>
        <source>身份证：%1</source>
        <translation>ID card: %1</translation>
    </message>
    <message>
        <source>返回</source>
        <translation>Back</translation>
    </message>
</context>
<context>
    <name>CheckInView</name>
    <message>
        <source>请将预约短信或预约凭证上的二维码对准扫码口</source>
        <translation>Hold the QR code from your booking message to the scanner</translation>
    </message>
    <message>
        <source>或者刷预约时登记的身份证</source>
        <translation>Or swipe the ID card you booked with</translation>
    </message>
    <message>
        <source>请输入预约码</source>
        <translation>Type the appointment code</translation>
    </message>
    <message>
        <source>输入预约码</source>
        <translation>Type the code</translation>
    </message>
    <message>
        <source>返回</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>签到成功后打印优先号票，请在预约时段内签到</source>
        <translation>After check-in a priority ticket is printed; check in during your slot</translation>
    </message>
</context>
<context>
    <name>ConnectingOverlay</name>
    <message>
        <source>正在连接大厅服务器…</source>
        <translation>Connecting to the hall server…</translation>
    </message>
    <message>
        <source>请稍候；如长时间无法使用，请到总服务台办理</source>
        <translation>Please wait; if this takes long, please go to the main service desk</translation>
    </message>
</context>
<context>
    <name>EvaluationStartView</name>
    <message>
        <source>请将号票上的二维码对准扫码口，为办理过的业务评价</source>
        <translation>Hold the QR code on your ticket to the scanner to rate the service</translation>
    </message>
    <message>
        <source>正在查找号票，请稍候</source>
        <translation>Looking up the ticket, please wait</translation>
    </message>
    <message>
        <source>返回</source>
        <translation>Back</translation>
    </message>
</context>
<context>
    <name>FallbackView</name>
    <message>
        <source>返回首页</source>
        <translation>Home</translation>
    </message>
</context>
<context>
    <name>GuideBrowseView</name>
    <message>
        <source>选择事项查看办事指南；也可以扫描事项二维码（码上办）</source>
        <translation>Choose a service to read its guide, or scan its QR code</translation>
    </message>
    <message>
        <source>拼音首字母搜索</source>
        <translation>Search by pinyin initials</translation>
    </message>
    <message>
        <source>返回</source>
        <translation>Back</translation>
    </message>
</context>
<context>
    <name>GuideReadView</name>
    <message>
        <source>手机扫码查看完整办事指南</source>
        <translation>Scan to read the full guide on your phone</translation>
    </message>
    <message>
        <source>正在打印…</source>
        <translation>Printing…</translation>
    </message>
    <message>
        <source>打印材料清单（一次性告知单）</source>
        <translation>Print the checklist</translation>
    </message>
    <message>
        <source>返回</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>该事项暂无办事指南，请到总服务台咨询</source>
        <translation>No guide for this service yet; please ask at the main service desk</translation>
    </message>
</context>
<context>
    <name>HomeView</name>
    <message>
        <source>大厅公告</source>
        <translation>Hall notices</translation>
    </message>
    <message>
        <source>可直接扫描号票、预约凭证或办事指南上的二维码</source>
        <translation>You can scan the QR code on a ticket, an appointment or a service guide</translation>
    </message>
</context>
<context>
    <name>Keypad</name>
    <message>
        <source>退格</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>清空</source>
        <translation>Clear</translation>
    </message>
    <message>
        <source>确定</source>
        <translation>OK</translation>
    </message>
</context>
<context>
    <name>KioskErrors</name>
    <message>
        <source>完成</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>暂时无法办理</source>
        <translation>Cannot proceed</translation>
    </message>
    <message>
        <source>请注意</source>
        <translation>Please note</translation>
    </message>
</context>
<context>
    <name>KioskWindow</name>
    <message>
        <source>政务服务中心</source>
        <translation>Government Service Centre</translation>
    </message>
    <message>
        <source>返回首页</source>
        <translation>Home</translation>
    </message>
    <message>
        <source>长者模式：开</source>
        <translation>Elderly mode: on</translation>
    </message>
    <message>
        <source>长者模式</source>
        <translation>Elderly mode</translation>
    </message>
    <message>
        <source>呼叫帮办</source>
        <translation>Call for help</translation>
    </message>
    <message>
        <source>重听</source>
        <translation>Replay</translation>
    </message>
    <message>
        <source>%1 秒</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>欢迎使用自助服务终端</source>
        <translation>Welcome to the self-service kiosk</translation>
    </message>
    <message>
        <source>请注意</source>
        <translation>Please note</translation>
    </message>
    <message>
        <source>正在呼叫工作人员…</source>
        <translation>Calling staff…</translation>
    </message>
    <message>
        <source>请在本机旁稍候</source>
        <translation>Please wait beside this kiosk</translation>
    </message>
</context>
<context>
    <name>Lockdown</name>
    <message>
        <source>错误次数过多，请 %1 分钟后再试</source>
        <translation>Too many wrong PINs; try again in %1 min</translation>
    </message>
    <message>
        <source>密码不正确，请重试</source>
        <translation>Wrong PIN, please try again</translation>
    </message>
    <message>
        <source>没有配置打印机</source>
        <translation>No printer is configured</translation>
    </message>
    <message>
        <source>正在打印测试页…</source>
        <translation>Printing a test slip…</translation>
    </message>
    <message>
        <source>测试页打印失败：%1</source>
        <translation>Test slip failed: %1</translation>
    </message>
    <message>
        <source>测试页已打印</source>
        <translation>Test slip printed</translation>
    </message>
    <message>
        <source>已重新读取</source>
        <translation>Reloaded</translation>
    </message>
</context>
<context>
    <name>MaintenanceView</name>
    <message>
        <source>维护界面</source>
        <translation>Maintenance</translation>
    </message>
    <message>
        <source>大厅服务器</source>
        <translation>Hall server</translation>
    </message>
    <message>
        <source>号票打印机</source>
        <translation>Ticket printer</translation>
    </message>
    <message>
        <source>身份证阅读器</source>
        <translation>ID card reader</translation>
    </message>
    <message>
        <source>扫码器</source>
        <translation>QR scanner</translation>
    </message>
    <message>
        <source>语音</source>
        <translation>Voice</translation>
    </message>
    <message>
        <source>%1（纸张：%2）</source>
        <translation>%1 (paper: %2)</translation>
    </message>
    <message>
        <source>打印测试页</source>
        <translation>Print a test slip</translation>
    </message>
    <message>
        <source>重新读取目录和公告</source>
        <translation>Reload catalogue and notices</translation>
    </message>
    <message>
        <source>返回服务</source>
        <translation>Back to service</translation>
    </message>
    <message>
        <source>退出到桌面</source>
        <translation>Exit to desktop</translation>
    </message>
</context>
<context>
    <name>MessageOverlay</name>
    <message>
        <source>好的</source>
        <translation>OK</translation>
    </message>
</context>
<context>
    <name>MoreTimeOverlay</name>
    <message>
        <source>%1 秒后将清除本次信息并返回首页</source>
        <translation>In %1 seconds this session is cleared and the kiosk returns home</translation>
    </message>
    <message>
        <source>需要，继续办理</source>
        <translation>Yes, I need more time</translation>
    </message>
    <message>
        <source>不用了，返回首页</source>
        <translation>No, back to home</translation>
    </message>
</context>
<context>
    <name>NoticeView</name>
    <message>
        <source>再试一次</source>
        <translation>Try again</translation>
    </message>
    <message>
        <source>改取普通号</source>
        <translation>Take a normal ticket</translation>
    </message>
    <message>
        <source>如何预约</source>
        <translation>How to book</translation>
    </message>
    <message>
        <source>我已记下号码</source>
        <translation>I have noted the number</translation>
    </message>
    <message>
        <source>呼叫工作人员</source>
        <translation>Call staff</translation>
    </message>
    <message>
        <source>返回首页</source>
        <translation>Home</translation>
    </message>
    <message>
        <source>可通过本地政务服务网、政务服务 App 或拨打 12345 预约，也可以到总服务台预约</source>
        <translation>Book on the local government service website or app, call 12345, or ask at the main service desk</translation>
    </message>
</context>
<context>
    <name>PinOverlay</name>
    <message>
        <source>请输入维护密码</source>
        <translation>Enter the maintenance PIN</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>ProgressResultView</name>
    <message>
        <source>评价请扫描号票上的二维码</source>
        <translation>To rate the service, scan the QR code on your ticket</translation>
    </message>
    <message>
        <source>评价本次服务</source>
        <translation>Rate this service</translation>
    </message>
    <message>
        <source>再查一个</source>
        <translation>Look up another</translation>
    </message>
    <message>
        <source>请到 %1 办理</source>
        <translation>Please go to %1</translation>
    </message>
    <message>
        <source>前面还有 %1 人</source>
        <translation>%1 people ahead</translation>
    </message>
    <message>
        <source>预计等候约 %1 分钟</source>
        <translation>About %1 min wait</translation>
    </message>
</context>
<context>
    <name>ProgressStartView</name>
    <message>
        <source>请将号票上的二维码对准扫码口</source>
        <translation>Hold the QR code on your ticket to the scanner</translation>
    </message>
    <message>
        <source>请输入号码，如 A023</source>
        <translation>Type the number, e.g. A023</translation>
    </message>
    <message>
        <source>输入号码查询</source>
        <translation>Type the number</translation>
    </message>
    <message>
        <source>返回</source>
        <translation>Back</translation>
    </message>
</context>
<context>
    <name>RateView</name>
    <message>
        <source>请为 %1 号的办理服务评价</source>
        <translation>Please rate the service for ticket %1</translation>
    </message>
    <message>
        <source>提交评价</source>
        <translation>Submit</translation>
    </message>
    <message>
        <source>返回</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>请选择不满意的原因（可多选）</source>
        <translation>What was unsatisfactory? (choose any)</translation>
    </message>
</context>
<context>
    <name>RealNameView</name>
    <message>
        <source>办理事项：%1</source>
        <translation>Service: %1</translation>
    </message>
    <message>
        <source>本机读卡器暂不可用，请输入身份证号码</source>
        <translation>The card reader is not available; please type your ID number</translation>
    </message>
    <message>
        <source>请将身份证放在读卡区，听到提示音后取走</source>
        <translation>Place your ID card on the reader; take it away after the beep</translation>
    </message>
    <message>
        <source>请输入 18 位身份证号码</source>
        <translation>Type the 18-character ID number</translation>
    </message>
    <message>
        <source>输入身份证号</source>
        <translation>Type ID number</translation>
    </message>
    <message>
        <source>不实名，直接取号</source>
        <translation>Skip, take a number without ID</translation>
    </message>
    <message>
        <source>返回</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>身份证信息仅用于本次取号，办理结束后本机立即清除</source>
        <translation>Your ID is used only for this ticket and is wiped from this kiosk right after</translation>
    </message>
</context>
<context>
    <name>ServiceView</name>
    <message>
        <source>全部事项</source>
        <translation>All services</translation>
    </message>
    <message>
        <source>%1：输入拼音首字母可快速查找，如“sbk”找社保卡</source>
        <translation>%1: type pinyin initials to search, e.g. “sbk” finds 社保卡</translation>
    </message>
    <message>
        <source>没有找到匹配的事项，请换个字母试试</source>
        <translation>No service matches; try other letters</translation>
    </message>
    <message>
        <source>拼音首字母搜索</source>
        <translation>Search by pinyin initials</translation>
    </message>
    <message>
        <source>返回</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>需要刷身份证</source>
        <translation>ID card required</translation>
    </message>
    <message>
        <source>可刷身份证，也可不刷</source>
        <translation>ID card optional</translation>
    </message>
    <message>
        <source>无需身份证</source>
        <translation>No ID card needed</translation>
    </message>
</context>
<context>
    <name>ThanksView</name>
    <message>
        <source>感谢您的评价</source>
        <translation>Thank you for your feedback</translation>
    </message>
    <message>
        <source>您的意见会帮助我们改进服务</source>
        <translation>Your feedback helps us improve</translation>
    </message>
    <message>
        <source>完成</source>
        <translation>Done</translation>
    </message>
</context>
<context>
    <name>TicketView</name>
    <message>
        <source>正在打印号票…</source>
        <translation>Printing your ticket…</translation>
    </message>
    <message>
        <source>您的号码</source>
        <translation>Your number</translation>
    </message>
    <message>
        <source>实名：%1</source>
        <translation>Name: %1</translation>
    </message>
    <message>
        <source>手机扫码，随时查看排队进度</source>
        <translation>Scan to follow the queue on your phone</translation>
    </message>
    <message>
        <source>重新打印</source>
        <translation>Print again</translation>
    </message>
    <message>
        <source>完成</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>优先号：绿色通道</source>
        <translation>Priority: green channel</translation>
    </message>
    <message>
        <source>预约号：优先办理</source>
        <translation>Appointment: served with priority</translation>
    </message>
    <message>
        <source>您前面还有 %1 人等候</source>
        <translation>%1 people are ahead of you</translation>
    </message>
    <message>
        <source>预计等候约 %1 分钟</source>
        <translation>About %1 min wait</translation>
    </message>
    <message>
        <source>请留意叫号屏和广播</source>
        <translation>Watch the screens and listen for your number</translation>
    </message>
</context>
<context>
    <name>window.maintenance_view</name>
    <message>
        <source>维护界面</source>
        <translation>Maintenance</translation>
    </message>
</context>
</TS>
