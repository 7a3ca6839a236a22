"""Schema migrations, applied on start in version order. Each runs in its own
transaction: one that fails leaves the database as it was (SQLite DDL is
transactional). Which ran is kept in ``schema_migrations``, so migrations written
on parallel branches all apply.

Never edit a released migration; add a new one. Reserved numbers: 3 evaluations
upstream and cases, 4 manager console and help requests, 5 certificates, 6 kiosk,
7 self-print ratings in the 好差评 loop.

A migration that rebuilds a table other tables refer to (7) copies its rows aside,
drops it and creates it again under its own name with ``PRAGMA defer_foreign_keys``
on: the drop leaves the referring rows dangling until the rows are inserted again,
and SQLite checks at ``COMMIT`` that none still is. (Renaming a new table into place
would leave that count unsettled and fail the commit.)
"""
from __future__ import annotations

MIGRATIONS: list[tuple[int, str, str]] = [
    (1, "initial schema", """
CREATE TABLE events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    type TEXT NOT NULL,
    at TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE TABLE counters (
    day TEXT NOT NULL,
    scope TEXT NOT NULL,          -- 'cat:A' numbering counter, 'svc:<code>' issued count
    value INTEGER NOT NULL,
    PRIMARY KEY (day, scope)
) WITHOUT ROWID;
CREATE TABLE tickets (
    id TEXT PRIMARY KEY,
    number TEXT NOT NULL,
    serial INTEGER NOT NULL,
    category TEXT NOT NULL,
    day TEXT NOT NULL,
    service TEXT,
    channel TEXT NOT NULL,
    priority TEXT NOT NULL,
    state TEXT NOT NULL,
    window_id TEXT,
    target_window TEXT,
    clerk TEXT,
    issued_at TEXT NOT NULL,
    queued_at TEXT NOT NULL,
    called_at TEXT,
    started_at TEXT,
    finished_at TEXT,
    suspended_at TEXT,
    suspended_seconds REAL NOT NULL DEFAULT 0,
    recall_count INTEGER NOT NULL DEFAULT 0,
    requeue_count INTEGER NOT NULL DEFAULT 0,
    transfer_count INTEGER NOT NULL DEFAULT 0,
    person_hash TEXT,
    person_masked TEXT,
    name_masked TEXT,
    appointment_code TEXT,
    status_token TEXT NOT NULL UNIQUE,
    number_category TEXT NOT NULL  -- category the number was issued in (transfer keeps the number)
);
CREATE UNIQUE INDEX tickets_number_unique ON tickets (day, number_category, serial);
CREATE INDEX tickets_state ON tickets (state, category);
CREATE INDEX tickets_person ON tickets (day, person_hash);
CREATE TABLE ticket_history (
    id INTEGER PRIMARY KEY,
    ticket_id TEXT NOT NULL REFERENCES tickets(id),
    at TEXT NOT NULL,
    action TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    window_id TEXT,
    actor TEXT
);
CREATE INDEX ticket_history_ticket ON ticket_history (ticket_id);
CREATE TABLE windows (
    id TEXT PRIMARY KEY,
    number INTEGER NOT NULL,
    name TEXT NOT NULL,
    zone TEXT,
    categories TEXT NOT NULL,
    state TEXT NOT NULL,
    clerk TEXT,
    current_ticket TEXT,
    pause_reason TEXT,
    updated_at TEXT NOT NULL
);
CREATE TABLE window_pauses (
    id INTEGER PRIMARY KEY,
    window_id TEXT NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    reason TEXT
);
CREATE TABLE appointments (
    code TEXT PRIMARY KEY,
    service TEXT NOT NULL,
    slot_start TEXT NOT NULL,
    slot_end TEXT NOT NULL,
    person_hash TEXT,
    person_masked TEXT,
    name_masked TEXT,
    checked_in_ticket TEXT,
    checked_in_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX appointments_person ON appointments (person_hash);
CREATE TABLE evaluations (
    id TEXT PRIMARY KEY,
    ticket_id TEXT NOT NULL UNIQUE,
    level INTEGER NOT NULL,
    level_name TEXT NOT NULL,
    reasons TEXT NOT NULL,
    comment TEXT,
    channel TEXT NOT NULL,
    window_id TEXT,
    clerk TEXT,
    service TEXT,
    category TEXT,
    at TEXT NOT NULL
);
CREATE TABLE cases (
    id TEXT PRIMARY KEY,
    evaluation_id TEXT NOT NULL UNIQUE,
    ticket_id TEXT NOT NULL,
    state TEXT NOT NULL,
    level INTEGER NOT NULL,
    window_id TEXT,
    clerk TEXT,
    opened_at TEXT NOT NULL,
    deadline TEXT NOT NULL,
    closed_at TEXT
);
CREATE TABLE case_history (
    id INTEGER PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    at TEXT NOT NULL,
    action TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    actor TEXT,
    note TEXT
);
CREATE TABLE users (
    username TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    display_name TEXT,
    staff_no TEXT,
    window_id TEXT,
    failed_count INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE TABLE tokens (
    token_hash TEXT PRIMARY KEY,
    kind TEXT NOT NULL,            -- 'session' | 'device'
    subject TEXT NOT NULL,         -- username or device name
    role TEXT NOT NULL,
    window_id TEXT,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    revoked_at TEXT
);
CREATE TABLE idempotency (
    token_hash TEXT NOT NULL,
    request_id TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (token_hash, request_id)
) WITHOUT ROWID;
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT,
    result TEXT NOT NULL,
    detail TEXT
);
CREATE INDEX audit_at ON audit (at);
CREATE TABLE devices (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    components TEXT NOT NULL
);
"""),
    (2, "waiting counts kept by triggers", """
CREATE TABLE waiting_counts (
    category TEXT NOT NULL,
    priority TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (category, priority)
) WITHOUT ROWID;
INSERT INTO waiting_counts (category, priority, n)
    SELECT category, priority, COUNT(*) FROM tickets WHERE state = 'waiting' GROUP BY category, priority;
CREATE TRIGGER tickets_waiting_insert AFTER INSERT ON tickets WHEN NEW.state = 'waiting'
BEGIN
    INSERT INTO waiting_counts (category, priority, n) VALUES (NEW.category, NEW.priority, 1)
        ON CONFLICT (category, priority) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER tickets_waiting_update AFTER UPDATE OF state, category, priority ON tickets
BEGIN
    UPDATE waiting_counts SET n = n - 1
        WHERE OLD.state = 'waiting' AND category = OLD.category AND priority = OLD.priority;
    INSERT INTO waiting_counts (category, priority, n)
        SELECT NEW.category, NEW.priority, 1 WHERE NEW.state = 'waiting'
        ON CONFLICT (category, priority) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER tickets_waiting_delete AFTER DELETE ON tickets WHEN OLD.state = 'waiting'
BEGIN
    UPDATE waiting_counts SET n = n - 1 WHERE category = OLD.category AND priority = OLD.priority;
END;
"""),
    (4, "manager console: kiosk help requests", """
CREATE TABLE help_requests (
    id TEXT PRIMARY KEY,
    device TEXT NOT NULL,          -- the kiosk's device name (never a resident's data)
    location TEXT,
    reason TEXT,
    state TEXT NOT NULL,           -- 'open' | 'resolved'
    times INTEGER NOT NULL DEFAULT 1,  -- presses while it stayed open
    requested_at TEXT NOT NULL,
    last_requested_at TEXT NOT NULL,
    resolved_at TEXT,
    resolved_by TEXT,
    note TEXT
);
CREATE INDEX help_requests_state ON help_requests (state, requested_at);
CREATE INDEX help_requests_device ON help_requests (device, state);
"""),
    (3, "evaluation records, 未评, case deadlines, immutable history, upstream outbox", """
ALTER TABLE evaluations ADD COLUMN project_no TEXT;
ALTER TABLE evaluations ADD COLUMN evaluation_count INTEGER;
ALTER TABLE evaluations ADD COLUMN ticket_number TEXT;
ALTER TABLE evaluations ADD COLUMN service_name TEXT;
ALTER TABLE evaluations ADD COLUMN implementation_code TEXT;
ALTER TABLE evaluations ADD COLUMN handle_item_code TEXT;
ALTER TABLE evaluations ADD COLUMN promise_type TEXT;
ALTER TABLE evaluations ADD COLUMN department_name TEXT;
ALTER TABLE evaluations ADD COLUMN department_code TEXT;
ALTER TABLE evaluations ADD COLUMN window_number INTEGER;
ALTER TABLE evaluations ADD COLUMN clerk_name TEXT;
ALTER TABLE evaluations ADD COLUMN clerk_staff_no TEXT;
ALTER TABLE evaluations ADD COLUMN evaluator_kind TEXT;
ALTER TABLE evaluations ADD COLUMN evaluator_id_masked TEXT;
ALTER TABLE evaluations ADD COLUMN evaluator_name_masked TEXT;
ALTER TABLE evaluations ADD COLUMN anonymous INTEGER;
ALTER TABLE evaluations ADD COLUMN indicator_codes TEXT;
ALTER TABLE evaluations ADD COLUMN region_code TEXT;
ALTER TABLE evaluations ADD COLUMN project_status TEXT;
ALTER TABLE evaluations ADD COLUMN accepted_at TEXT;
ALTER TABLE evaluations ADD COLUMN finished_at TEXT;
ALTER TABLE evaluations ADD COLUMN audit_status TEXT;
ALTER TABLE evaluations ADD COLUMN public_flag INTEGER;
ALTER TABLE evaluations ADD COLUMN device TEXT;
UPDATE evaluations SET project_no = ticket_id, evaluation_count = 1, project_status = '已办结',
    audit_status = '无需审核', public_flag = 1, anonymous = 1, evaluator_kind = '个人' WHERE project_no IS NULL;
CREATE UNIQUE INDEX evaluations_project ON evaluations (project_no, evaluation_count);
CREATE INDEX evaluations_at ON evaluations (at);
CREATE TRIGGER evaluations_no_update BEFORE UPDATE ON evaluations
BEGIN
    SELECT RAISE(ABORT, 'evaluations are immutable: a rating is never changed');
END;
CREATE TRIGGER evaluations_no_delete BEFORE DELETE ON evaluations
BEGIN
    SELECT RAISE(ABORT, 'evaluations are immutable: a rating is never deleted');
END;
CREATE TABLE evaluation_unrated (
    ticket_id TEXT PRIMARY KEY REFERENCES tickets(id),
    at TEXT NOT NULL,
    day TEXT NOT NULL,             -- numbering day of the ticket
    reason TEXT NOT NULL,          -- 'timeout' | 'declined' | 'sweep'
    channel TEXT,
    window_id TEXT,
    clerk TEXT,
    service TEXT,
    category TEXT,
    reported_by TEXT NOT NULL
);
CREATE INDEX evaluation_unrated_day ON evaluation_unrated (day);
CREATE INDEX tickets_finished ON tickets (state, finished_at);
ALTER TABLE cases ADD COLUMN level_name TEXT;
ALTER TABLE cases ADD COLUMN project_no TEXT;
ALTER TABLE cases ADD COLUMN service TEXT;
ALTER TABLE cases ADD COLUMN remind_at TEXT;
ALTER TABLE cases ADD COLUMN reminded_at TEXT;
ALTER TABLE cases ADD COLUMN overdue_at TEXT;
ALTER TABLE cases ADD COLUMN replied_at TEXT;
ALTER TABLE cases ADD COLUMN resident_satisfied INTEGER;
CREATE INDEX cases_state ON cases (state, deadline);
ALTER TABLE case_history ADD COLUMN detail TEXT;
CREATE INDEX case_history_case ON case_history (case_id, id);
CREATE TRIGGER case_history_no_update BEFORE UPDATE ON case_history
BEGIN
    SELECT RAISE(ABORT, 'case history is append-only');
END;
CREATE TRIGGER case_history_no_delete BEFORE DELETE ON case_history
BEGIN
    SELECT RAISE(ABORT, 'case history is append-only');
END;
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    interface TEXT NOT NULL,       -- upstream name, e.g. 'province'
    dedupe_key TEXT NOT NULL,      -- 办件编号 + '#' + 评价次数
    evaluation_id TEXT NOT NULL REFERENCES evaluations(id),
    state TEXT NOT NULL,           -- 'queued' | 'sent'
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    last_attempt_at TEXT,
    sent_at TEXT,
    lease_owner TEXT,
    lease_until TEXT,
    last_status INTEGER,
    last_error TEXT,
    duplicate INTEGER NOT NULL DEFAULT 0,
    UNIQUE (interface, dedupe_key)
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
INSERT INTO outbox (interface, dedupe_key, evaluation_id, state, created_at, next_attempt_at)
    SELECT 'province', project_no || '#' || evaluation_count, id, 'queued', at, at FROM evaluations;
"""),
    (5, "certificate issuance log, verify summaries, self-print evaluations", """
CREATE TABLE certificate_issues (
    doc_no TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    day TEXT NOT NULL,             -- numbering day of the issue
    person_hash TEXT NOT NULL,     -- keyed hash of the ID number (persons.hash_id with hall.id_key)
    person_masked TEXT NOT NULL,   -- 3701**********123X
    name_masked TEXT NOT NULL,     -- 张*
    kiosk TEXT NOT NULL,           -- device name of the kiosk that asked
    reader_sam TEXT,               -- SAM id of the card reader the kiosk reported
    issued_at TEXT NOT NULL,
    content_digest TEXT NOT NULL,  -- SHA-256 of the canonical content (hex); the content is not kept
    summary TEXT NOT NULL,         -- JSON: masked fields for the verify page
    print_state TEXT NOT NULL,     -- pending | printed | failed | cancelled | reprinting
    print_reason TEXT,
    printed_at TEXT,
    reprints INTEGER NOT NULL DEFAULT 0,
    request_id TEXT
);
CREATE INDEX certificate_issues_person ON certificate_issues (day, person_hash, type);
CREATE INDEX certificate_issues_issued ON certificate_issues (issued_at);
CREATE TABLE certificate_evaluations (
    doc_no TEXT PRIMARY KEY REFERENCES certificate_issues(doc_no),
    type TEXT NOT NULL,
    level INTEGER NOT NULL,
    level_name TEXT NOT NULL,
    reasons TEXT NOT NULL,
    kiosk TEXT NOT NULL,
    at TEXT NOT NULL
);
"""),
    (7, "self-printed documents as 好差评 subjects: evaluations and cases without a ticket", """
PRAGMA defer_foreign_keys = ON;
CREATE TEMP TABLE evaluations_before_7 AS SELECT * FROM evaluations;
DROP TABLE evaluations;
CREATE TABLE evaluations (
    id TEXT PRIMARY KEY,
    ticket_id TEXT UNIQUE,         -- the ticket rated; NULL when the subject is a document
    doc_no TEXT UNIQUE,            -- the self-printed document rated (certificate_issues.doc_no)
    level INTEGER NOT NULL,
    level_name TEXT NOT NULL,
    reasons TEXT NOT NULL,
    comment TEXT,
    channel TEXT NOT NULL,
    window_id TEXT,
    clerk TEXT,
    service TEXT,
    category TEXT,
    at TEXT NOT NULL,
    project_no TEXT,
    evaluation_count INTEGER,
    ticket_number TEXT,
    service_name TEXT,
    implementation_code TEXT,
    handle_item_code TEXT,
    promise_type TEXT,
    department_name TEXT,
    department_code TEXT,
    window_number INTEGER,
    clerk_name TEXT,
    clerk_staff_no TEXT,
    evaluator_kind TEXT,
    evaluator_id_masked TEXT,
    evaluator_name_masked TEXT,
    anonymous INTEGER,
    indicator_codes TEXT,
    region_code TEXT,
    project_status TEXT,
    accepted_at TEXT,
    finished_at TEXT,
    audit_status TEXT,
    public_flag INTEGER,
    device TEXT,
    CHECK ((ticket_id IS NULL) <> (doc_no IS NULL))   -- exactly one subject
);
INSERT INTO evaluations (id, ticket_id, level, level_name, reasons, comment, channel, window_id, clerk, service,
    category, at, project_no, evaluation_count, ticket_number, service_name, implementation_code, handle_item_code,
    promise_type, department_name, department_code, window_number, clerk_name, clerk_staff_no, evaluator_kind,
    evaluator_id_masked, evaluator_name_masked, anonymous, indicator_codes, region_code, project_status, accepted_at,
    finished_at, audit_status, public_flag, device)
SELECT id, ticket_id, level, level_name, reasons, comment, channel, window_id, clerk, service,
    category, at, project_no, evaluation_count, ticket_number, service_name, implementation_code, handle_item_code,
    promise_type, department_name, department_code, window_number, clerk_name, clerk_staff_no, evaluator_kind,
    evaluator_id_masked, evaluator_name_masked, anonymous, indicator_codes, region_code, project_status, accepted_at,
    finished_at, audit_status, public_flag, device FROM evaluations_before_7;
DROP TABLE evaluations_before_7;
CREATE UNIQUE INDEX evaluations_project ON evaluations (project_no, evaluation_count);
CREATE INDEX evaluations_at ON evaluations (at);
CREATE TRIGGER evaluations_no_update BEFORE UPDATE ON evaluations
BEGIN
    SELECT RAISE(ABORT, 'evaluations are immutable: a rating is never changed');
END;
CREATE TRIGGER evaluations_no_delete BEFORE DELETE ON evaluations
BEGIN
    SELECT RAISE(ABORT, 'evaluations are immutable: a rating is never deleted');
END;
CREATE TEMP TABLE cases_before_7 AS SELECT * FROM cases;
DROP TABLE cases;
CREATE TABLE cases (
    id TEXT PRIMARY KEY,
    evaluation_id TEXT NOT NULL UNIQUE,
    ticket_id TEXT,                -- the rated ticket; NULL for a document's case
    doc_no TEXT,                   -- the rated self-printed document
    state TEXT NOT NULL,
    level INTEGER NOT NULL,
    window_id TEXT,                -- NULL for a document: no window, no clerk
    clerk TEXT,
    opened_at TEXT NOT NULL,
    deadline TEXT NOT NULL,
    closed_at TEXT,
    level_name TEXT,
    project_no TEXT,
    service TEXT,
    remind_at TEXT,
    reminded_at TEXT,
    overdue_at TEXT,
    replied_at TEXT,
    resident_satisfied INTEGER,
    CHECK ((ticket_id IS NULL) <> (doc_no IS NULL))
);
INSERT INTO cases (id, evaluation_id, ticket_id, state, level, window_id, clerk, opened_at, deadline, closed_at,
    level_name, project_no, service, remind_at, reminded_at, overdue_at, replied_at, resident_satisfied)
SELECT id, evaluation_id, ticket_id, state, level, window_id, clerk, opened_at, deadline, closed_at,
    level_name, project_no, service, remind_at, reminded_at, overdue_at, replied_at, resident_satisfied
    FROM cases_before_7;
DROP TABLE cases_before_7;
CREATE INDEX cases_state ON cases (state, deadline);
ALTER TABLE certificate_evaluations ADD COLUMN evaluation_id TEXT;   -- NULL: rated before 7, not yet reported
CREATE INDEX certificate_evaluations_unreported ON certificate_evaluations (at) WHERE evaluation_id IS NULL;
"""),
]
