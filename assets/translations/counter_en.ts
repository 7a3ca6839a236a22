<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US" sourcelanguage="zh_CN">
<context>
    <name>ConsoleWindow</name>
    <message>
        <source>交接班</source>
        <translation>Hand over</translation>
    </message>
    <message>
        <source>退出当前账号，由另一位工作人员登录本窗口？</source>
        <translation>Log out so that another clerk can log in at this window?</translation>
    </message>
    <message>
        <source>窗口工作台</source>
        <translation>Counter console</translation>
    </message>
    <message>
        <source>等候 %1 人</source>
        <translation>%1 waiting</translation>
    </message>
    <message>
        <source>特呼所选</source>
        <translation>Call selected</translation>
    </message>
    <message>
        <source>本窗口过号</source>
        <translation>No-shows here</translation>
    </message>
    <message>
        <source>过号重排</source>
        <translation>Requeue</translation>
    </message>
</context>
<context>
    <name>EvaluationScreen</name>
    <message>
        <source>服务评价</source>
        <translation>Rate our service</translation>
    </message>
    <message>
        <source>非常满意</source>
        <translation>Very satisfied</translation>
    </message>
    <message>
        <source>满意</source>
        <translation>Satisfied</translation>
    </message>
    <message>
        <source>基本满意</source>
        <translation>Fairly satisfied</translation>
    </message>
    <message>
        <source>不满意</source>
        <translation>Dissatisfied</translation>
    </message>
    <message>
        <source>非常不满意</source>
        <translation>Very dissatisfied</translation>
    </message>
    <message>
        <source>请对本次服务作出评价</source>
        <translation>How was our service today?</translation>
    </message>
    <message>
        <source>不评价</source>
        <translation>Skip</translation>
    </message>
    <message>
        <source>请选择不满意的原因（可多选）</source>
        <translation>What went wrong? (choose one or more)</translation>
    </message>
    <message>
        <source>您的意见（可不填）</source>
        <translation>Your comment (optional)</translation>
    </message>
    <message>
        <source>返回</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>提交评价</source>
        <translation>Send</translation>
    </message>
    <message>
        <source>感谢您的评价！</source>
        <translation>Thank you for your feedback!</translation>
    </message>
    <message>
        <source>工号 %1    %2</source>
        <translation>Staff no. %1    %2</translation>
    </message>
    <message>
        <source>您好，%1 为您服务</source>
        <translation>Hello, %1 is serving you</translation>
    </message>
    <message>
        <source>本窗口</source>
        <translation>this window</translation>
    </message>
    <message>
        <source>号码 %1</source>
        <translation>Ticket %1</translation>
    </message>
    <message>
        <source>%1 秒后自动结束</source>
        <translation>Closes in %1 s</translation>
    </message>
    <message>
        <source>您的评价：%1</source>
        <translation>Your rating: %1</translation>
    </message>
    <message>
        <source>请至少选择一个原因</source>
        <translation>Please choose at least one reason</translation>
    </message>
</context>
<context>
    <name>Header</name>
    <message>
        <source>English</source>
        <translation>中文</translation>
    </message>
    <message>
        <source>交接班</source>
        <translation>Hand over</translation>
    </message>
    <message>
        <source>%1 · 工号 %2</source>
        <translation>%1 · staff no. %2</translation>
    </message>
    <message>
        <source>（服务器记录在岗：%1）</source>
        <translation>(on duty on the server: %1)</translation>
    </message>
    <message>
        <source>● 已连接</source>
        <translation>● Connected</translation>
    </message>
    <message>
        <source>● 连接中断，重连中</source>
        <translation>● Offline, reconnecting</translation>
    </message>
    <message>
        <source>评价器</source>
        <translation>Pad</translation>
    </message>
    <message>
        <source>LED屏</source>
        <translation>LED</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>窗口工作台登录</source>
        <translation>Counter console login</translation>
    </message>
    <message>
        <source>按账号绑定的窗口</source>
        <translation>The account's own window</translation>
    </message>
    <message>
        <source>账号</source>
        <translation>Account</translation>
    </message>
    <message>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>窗口</source>
        <translation>Window</translation>
    </message>
    <message>
        <source>登录</source>
        <translation>Log in</translation>
    </message>
    <message>
        <source>请输入工作人员账号和密码</source>
        <translation>Log in with your staff account</translation>
    </message>
    <message>
        <source>请输入账号和密码</source>
        <translation>Please enter the account and the password</translation>
    </message>
    <message>
        <source>正在登录…</source>
        <translation>Logging in…</translation>
    </message>
</context>
<context>
    <name>NoticeBar</name>
    <message>
        <source>放弃等待</source>
        <translation>Stop waiting</translation>
    </message>
    <message>
        <source>就绪</source>
        <translation>Ready</translation>
    </message>
</context>
<context>
    <name>PauseDialog</name>
    <message>
        <source>暂停服务</source>
        <translation>Pause</translation>
    </message>
    <message>
        <source>请选择暂停原因（窗口屏将显示“暂停服务”）</source>
        <translation>Why are you pausing? (the window screen will show 暂停服务)</translation>
    </message>
    <message>
        <source>其他原因</source>
        <translation>Other reason</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>TicketList</name>
    <message>
        <source>%1 分钟</source>
        <translation>%1 min</translation>
    </message>
</context>
<context>
    <name>TicketPanel</name>
    <message>
        <source>已重呼 %1 次</source>
        <translation>Recalled %1×</translation>
    </message>
    <message>
        <source>姓名 %1    证件 %2</source>
        <translation>Name %1    ID %2</translation>
    </message>
    <message>
        <source>预约号 %1</source>
        <translation>Appointment %1</translation>
    </message>
    <message>
        <source>办理用时（不含挂起）</source>
        <translation>Service time (without suspensions)</translation>
    </message>
    <message>
        <source>等待群众到窗口</source>
        <translation>Waiting for the resident</translation>
    </message>
    <message>
        <source>正在读取窗口状态…</source>
        <translation>Reading the window's state…</translation>
    </message>
    <message>
        <source>窗口暂停服务中，恢复服务后才能叫号</source>
        <translation>The window is paused; resume to call again</translation>
    </message>
    <message>
        <source>窗口未开启，按“恢复服务”开启窗口</source>
        <translation>The window is closed; press Resume to open it</translation>
    </message>
    <message>
        <source>当前没有正在办理的号，按“叫号”（%1）呼叫下一位</source>
        <translation>Nobody is being served; press Call next (%1) for the next resident</translation>
    </message>
</context>
<context>
    <name>TransferDialog</name>
    <message>
        <source>转移</source>
        <translation>Transfer</translation>
    </message>
    <message>
        <source>转到业务类别（重新排队，保留取号时间）</source>
        <translation>To a queue (keeps the ticket's issue time)</translation>
    </message>
    <message>
        <source>转到指定窗口（该窗口优先呼叫）</source>
        <translation>To a window (called there first)</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
</TS>
