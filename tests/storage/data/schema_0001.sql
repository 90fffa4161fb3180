-- Frozen copy of schema revision 0001 (release 0.1) with a few rows.
-- Produced once from sql/migrations/versions/2026_11_25_0001_initial.py; never regenerate:
-- later migrations are tested against exactly this file.
BEGIN TRANSACTION;
CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
INSERT INTO "alembic_version" VALUES('0001');
CREATE TABLE audit_log (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	at DATETIME NOT NULL, 
	actor VARCHAR(64) NOT NULL, 
	action VARCHAR(64) NOT NULL, 
	entity VARCHAR(64) NOT NULL, 
	entity_id VARCHAR(64) NOT NULL, 
	detail TEXT NOT NULL, 
	prev_hash VARCHAR(64) NOT NULL, 
	row_hash VARCHAR(64) NOT NULL
);
INSERT INTO "audit_log" VALUES(1,'2023-10-27 02:32:00.000000','canbo1','dossier.received','dossier','1','{"code":"000.00.06.H56-231027-0361"}','0000000000000000000000000000000000000000000000000000000000000000','cc0ed6d3e74c66f0851c746cc7baa3e442704a768b816381a519153d73b15f1f');
INSERT INTO "audit_log" VALUES(2,'2026-02-12 03:15:00.000000','canbo1','dossier.received','dossier','2','{"code":"000.00.06.H56-260212-0001"}','cc0ed6d3e74c66f0851c746cc7baa3e442704a768b816381a519153d73b15f1f','c6c198d2d70600f1ab9bd73276de45e74c4ac8b71e529ebd539beb048ed2558d');
CREATE TABLE calendar_days (
	day DATE NOT NULL, 
	kind VARCHAR(32) NOT NULL, 
	name TEXT NOT NULL, 
	source VARCHAR(8) NOT NULL, 
	CONSTRAINT pk_calendar_days PRIMARY KEY (day)
);
INSERT INTO "calendar_days" VALUES('2026-02-17','holiday','Tết Nguyên đán','seed');
CREATE TABLE code_sequences (
	agency_id VARCHAR(64) NOT NULL, 
	day DATE NOT NULL, 
	last_seq INTEGER NOT NULL, 
	CONSTRAINT pk_code_sequences PRIMARY KEY (agency_id, day)
);
INSERT INTO "code_sequences" VALUES('000.00.06.H56','2026-02-12',1);
CREATE TABLE dossier_checklist (
	id INTEGER NOT NULL, 
	dossier_id INTEGER NOT NULL, 
	position INTEGER NOT NULL, 
	name TEXT NOT NULL, 
	form VARCHAR(16) NOT NULL, 
	copies INTEGER NOT NULL, 
	required BOOLEAN NOT NULL, 
	received BOOLEAN NOT NULL, 
	note TEXT NOT NULL, 
	CONSTRAINT pk_dossier_checklist PRIMARY KEY (id), 
	CONSTRAINT fk_dossier_checklist_dossier_id_dossiers FOREIGN KEY(dossier_id) REFERENCES dossiers (id) ON DELETE CASCADE
);
INSERT INTO "dossier_checklist" VALUES(1,1,0,'Tờ khai đăng ký khai sinh','original',1,1,1,'');
INSERT INTO "dossier_checklist" VALUES(2,1,1,'Giấy chứng sinh','original',1,1,0,'');
CREATE TABLE dossier_events (
	id INTEGER NOT NULL, 
	dossier_id INTEGER NOT NULL, 
	kind VARCHAR(64) NOT NULL, 
	at DATETIME NOT NULL, 
	actor VARCHAR(64) NOT NULL, 
	status_from INTEGER, 
	status_to INTEGER, 
	detail TEXT NOT NULL, 
	CONSTRAINT pk_dossier_events PRIMARY KEY (id), 
	CONSTRAINT fk_dossier_events_dossier_id_dossiers FOREIGN KEY(dossier_id) REFERENCES dossiers (id) ON DELETE CASCADE
);
INSERT INTO "dossier_events" VALUES(1,2,'status_changed','2026-02-12 04:00:00.000000','canbo1',2,4,'{}');
CREATE TABLE dossiers (
	id INTEGER NOT NULL, 
	sync_id VARCHAR(36) NOT NULL, 
	code VARCHAR(64) NOT NULL, 
	agency_id VARCHAR(64) NOT NULL, 
	procedure_code VARCHAR(64) NOT NULL, 
	procedure_name TEXT NOT NULL, 
	applicant_name TEXT NOT NULL, 
	applicant_search_key TEXT NOT NULL, 
	applicant_id_number VARCHAR(32) NOT NULL, 
	applicant_birth_date DATE, 
	applicant_sex VARCHAR(8), 
	applicant_phone VARCHAR(32) NOT NULL, 
	applicant_email TEXT NOT NULL, 
	applicant_address TEXT NOT NULL, 
	applicant_kind INTEGER NOT NULL, 
	submitter_name TEXT, 
	submitter_id_number VARCHAR(32), 
	submitter_birth_date DATE, 
	submitter_sex VARCHAR(8), 
	submitter_phone VARCHAR(32), 
	submitter_email TEXT, 
	submitter_address TEXT, 
	submitter_kind INTEGER, 
	received_at DATETIME NOT NULL, 
	due_at DATETIME, 
	status INTEGER NOT NULL, 
	channel INTEGER NOT NULL, 
	return_method VARCHAR(16) NOT NULL, 
	return_address TEXT NOT NULL, 
	sets_count INTEGER NOT NULL, 
	fee_vnd INTEGER, 
	clerk_username VARCHAR(64) NOT NULL, 
	regime VARCHAR(16) NOT NULL, 
	provisional_code BOOLEAN NOT NULL, 
	note TEXT NOT NULL, 
	extensions INTEGER NOT NULL, 
	supplement_requests INTEGER NOT NULL, 
	returned_at DATETIME, 
	CONSTRAINT pk_dossiers PRIMARY KEY (id), 
	CONSTRAINT uq_dossiers_code UNIQUE (code), 
	CONSTRAINT uq_dossiers_sync_id UNIQUE (sync_id)
);
INSERT INTO "dossiers" VALUES(1,'6f1c1f4e-8d1b-4c2a-9a53-0b7f6d0e0001','000.00.06.H56-231027-0361','000.00.06.H56','1.001193','Thủ tục đăng ký khai sinh','Lê Thị Hoa','le thi hoa','038195001234','1995-06-15','female','0912345678','','Số 12 Lê Lợi',1,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2023-10-27 02:32:00.000000','2023-11-03 02:00:00.000000',2,1,'counter','',1,0,'canbo1','ND61_2018',0,'',0,0,NULL);
INSERT INTO "dossiers" VALUES(2,'6f1c1f4e-8d1b-4c2a-9a53-0b7f6d0e0002','000.00.06.H56-260212-0001','000.00.06.H56','2.000908','Cấp bản sao từ sổ gốc','Nguyễn Văn An','nguyen van an','001090000001',NULL,NULL,'0987000111','an@example.vn','',1,'Trần Bình','001085000002',NULL,'male','','','',1,'2026-02-12 03:15:00.000000',NULL,4,1,'post','Hà Nội',2,8000,'canbo1','ND118_2025',0,'ghi chú',1,0,NULL);
CREATE TABLE outbox (
	seq INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	event_id VARCHAR(36) NOT NULL, 
	kind VARCHAR(64) NOT NULL, 
	aggregate_id VARCHAR(64) NOT NULL, 
	payload TEXT NOT NULL, 
	created_at DATETIME NOT NULL, 
	state VARCHAR(16) NOT NULL, 
	attempts INTEGER NOT NULL, 
	last_error TEXT, 
	acked_at DATETIME, 
	reject_reason TEXT, 
	CONSTRAINT uq_outbox_event_id UNIQUE (event_id)
);
INSERT INTO "outbox" VALUES(1,'0b0e7c61-5a3c-4a4e-8f6f-000000000001','dossier.received','6f1c1f4e-8d1b-4c2a-9a53-0b7f6d0e0001','{"code":"000.00.06.H56-231027-0361"}','2023-10-27 02:32:00.000000','accepted',1,NULL,'2023-10-27 02:40:00.000000',NULL);
INSERT INTO "outbox" VALUES(2,'0b0e7c61-5a3c-4a4e-8f6f-000000000002','dossier.received','6f1c1f4e-8d1b-4c2a-9a53-0b7f6d0e0002','{"code":"000.00.06.H56-260212-0001"}','2026-02-12 03:15:00.000000','pending',0,NULL,NULL,NULL);
CREATE TABLE procedures (
	code VARCHAR(64) NOT NULL, 
	name TEXT NOT NULL, 
	search_key TEXT NOT NULL, 
	field TEXT NOT NULL, 
	level VARCHAR(32) NOT NULL, 
	processing_days INTEGER, 
	time_unit VARCHAR(16) NOT NULL, 
	fee_vnd INTEGER, 
	required_documents TEXT NOT NULL, 
	verified BOOLEAN NOT NULL, 
	same_day_cutoff BOOLEAN NOT NULL, 
	valid_from DATE, 
	valid_to DATE, 
	active BOOLEAN NOT NULL, 
	CONSTRAINT pk_procedures PRIMARY KEY (code)
);
INSERT INTO "procedures" VALUES('1.001193','Thủ tục đăng ký khai sinh','thu tuc dang ky khai sinh','Hộ tịch','commune',0,'same_day',0,'[]',1,1,NULL,NULL,1);
CREATE TABLE sync_state (
	"key" VARCHAR(64) NOT NULL, 
	value TEXT NOT NULL, 
	CONSTRAINT pk_sync_state PRIMARY KEY ("key")
);
INSERT INTO "sync_state" VALUES('pull_cursor','42');
CREATE TABLE users (
	id INTEGER NOT NULL, 
	username VARCHAR(64) NOT NULL, 
	full_name TEXT NOT NULL, 
	password_hash TEXT NOT NULL, 
	role VARCHAR(16) NOT NULL, 
	active BOOLEAN NOT NULL, 
	created_at DATETIME NOT NULL, 
	CONSTRAINT pk_users PRIMARY KEY (id), 
	CONSTRAINT uq_users_username UNIQUE (username)
);
INSERT INTO "users" VALUES(1,'canbo1','Cán bộ Một','$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$YWJjZGVmZ2hpamtsbW5vcA','clerk',1,'2023-10-01 00:00:00.000000');
CREATE INDEX ix_dossiers_applicant_id_number ON dossiers (applicant_id_number);
CREATE INDEX ix_dossiers_applicant_phone ON dossiers (applicant_phone);
CREATE INDEX ix_dossiers_applicant_search_key ON dossiers (applicant_search_key);
CREATE INDEX ix_dossiers_procedure_code ON dossiers (procedure_code);
CREATE INDEX ix_dossiers_received_at ON dossiers (received_at);
CREATE INDEX ix_dossiers_status ON dossiers (status);
CREATE INDEX ix_outbox_aggregate_id ON outbox (aggregate_id);
CREATE INDEX ix_outbox_state_seq ON outbox (state, seq);
CREATE INDEX ix_dossier_checklist_dossier_id ON dossier_checklist (dossier_id);
CREATE INDEX ix_dossier_events_dossier_id ON dossier_events (dossier_id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
DELETE FROM "sqlite_sequence";
INSERT INTO "sqlite_sequence" VALUES('outbox',2);
INSERT INTO "sqlite_sequence" VALUES('audit_log',2);
COMMIT;
