namespace CartOrders.Storage.Sqlite;

internal static class Schema
{
    // events.position is the feed's global position: SQLite has one writer at a time and
    // positions are given at commit, so a reader never sees position N+1 before N.
    public const string Create = """
        CREATE TABLE IF NOT EXISTS events (
            position INTEGER PRIMARY KEY,
            stream_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            event_id BLOB NOT NULL,
            type TEXT NOT NULL,
            data BLOB NOT NULL,
            user_id TEXT NOT NULL,
            occurred_at INTEGER NOT NULL,
            correlation_id TEXT,
            UNIQUE (stream_id, version)
        );
        CREATE TABLE IF NOT EXISTS snapshots (
            stream_id TEXT PRIMARY KEY,
            version INTEGER NOT NULL,
            schema TEXT NOT NULL,
            state BLOB NOT NULL,
            updated_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS idempotency (
            key TEXT PRIMARY KEY,
            stream_id TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            status INTEGER NOT NULL,
            body BLOB NOT NULL,
            content_type TEXT NOT NULL,
            version INTEGER,
            location TEXT,
            created_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS idempotency_by_age ON idempotency (created_at);
        CREATE TABLE IF NOT EXISTS checkpoints (
            subscription TEXT PRIMARY KEY,
            checkpoint TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS views (
            kind TEXT NOT NULL,
            id TEXT NOT NULL,
            version INTEGER NOT NULL,
            json BLOB NOT NULL,
            updated_at INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (kind, id)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS views_by_age ON views (kind, updated_at);
        CREATE TABLE IF NOT EXISTS view_members (
            kind TEXT NOT NULL,
            user_id TEXT NOT NULL,
            id TEXT NOT NULL,
            PRIMARY KEY (kind, user_id, id)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS view_members_by_id ON view_members (kind, id);
        CREATE TABLE IF NOT EXISTS view_generations (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            live INTEGER NOT NULL,
            state TEXT NOT NULL,
            revision INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS parked_events (
            subscription TEXT NOT NULL,
            stream_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            event_id BLOB NOT NULL,
            type TEXT NOT NULL,
            data BLOB NOT NULL,
            user_id TEXT NOT NULL,
            occurred_at INTEGER NOT NULL,
            correlation_id TEXT,
            reason TEXT NOT NULL,
            parked_at INTEGER NOT NULL,
            PRIMARY KEY (subscription, stream_id, version)
        ) WITHOUT ROWID;
        """;

    /// <summary>
    /// Brings a file made before views had <c>created_at</c> up to date: the column is added and
    /// filled with each view's last update, which from then on stays its list position.
    /// </summary>
    public const string ViewsCreatedAtMissing = "SELECT COUNT(*) = 0 FROM pragma_table_info('views') WHERE name = 'created_at'";

    public const string AddViewsCreatedAt = """
        BEGIN IMMEDIATE;
        ALTER TABLE views ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;
        UPDATE views SET created_at = updated_at;
        COMMIT;
        """;
}
