-- The program: FKS forums, physical projects and non-physical activities.
-- forum, project and activity carry a version for optimistic concurrency.

-- +goose Up
CREATE TABLE forum (
    id           text COLLATE "C" PRIMARY KEY CHECK (id <> ''),
    name         text COLLATE "C" NOT NULL,
    year_formed  integer NOT NULL CHECK (year_formed >= 2015),
    status       text COLLATE "C" NOT NULL CHECK (status IN ('ACTIVE', 'INACTIVE')),
    member_count integer NOT NULL CHECK (member_count >= 0),
    secretariat  geometry(Point, 4326) NOT NULL,
    description  text COLLATE "C" NOT NULL DEFAULT '',
    version      integer NOT NULL DEFAULT 1
);

CREATE INDEX forum_status_idx ON forum (status);

-- The kelurahan a forum serves; position 0 is where the secretariat is.
CREATE TABLE forum_kelurahan (
    forum_id       text COLLATE "C" NOT NULL REFERENCES forum (id) ON DELETE CASCADE,
    kelurahan_code text COLLATE "C" NOT NULL REFERENCES kelurahan (code),
    position       integer NOT NULL CHECK (position >= 0),
    PRIMARY KEY (forum_id, kelurahan_code)
);

CREATE INDEX forum_kelurahan_kelurahan_idx ON forum_kelurahan (kelurahan_code, forum_id);

CREATE TABLE project (
    id             text COLLATE "C" PRIMARY KEY CHECK (id <> ''),
    title          text COLLATE "C" NOT NULL,
    kind           text COLLATE "C" NOT NULL CHECK (kind IN (
                       'VILLAGE_ROAD', 'WORSHIP_FACILITY_REHABILITATION', 'SPORTS_FIELD',
                       'DRAINAGE_REHABILITATION', 'CLEAN_WATER_SUPPLY', 'NEIGHBOURHOOD_LIGHTING',
                       'HARMONY_MONUMENT')),
    geom           geometry(Geometry, 4326) NOT NULL
                   CHECK (ST_IsValid(geom) AND GeometryType(geom) IN ('POINT', 'LINESTRING', 'POLYGON')),
    -- Near and nearest searches measure on the spheroid; an indexed geography
    -- copy saves casting every row per query.
    geog           geography GENERATED ALWAYS AS (geom::geography) STORED,
    kelurahan_code text COLLATE "C" NOT NULL REFERENCES kelurahan (code),
    kecamatan_code text COLLATE "C" GENERATED ALWAYS AS (left(kelurahan_code, 8)) STORED,
    forum_id       text COLLATE "C" REFERENCES forum (id),
    year           integer NOT NULL CHECK (year >= 2015),
    budget_rupiah  bigint NOT NULL CHECK (budget_rupiah >= 0),
    status         text COLLATE "C" NOT NULL CHECK (status IN ('PLANNED', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED')),
    start_date     date,
    finish_date    date CHECK (finish_date >= start_date),
    beneficiaries  integer NOT NULL CHECK (beneficiaries >= 0),
    description    text COLLATE "C" NOT NULL DEFAULT '',
    version        integer NOT NULL DEFAULT 1
);

CREATE INDEX project_geom_idx ON project USING gist (geom);
CREATE INDEX project_geog_idx ON project USING gist (geog);
CREATE INDEX project_kelurahan_idx ON project (kelurahan_code);
CREATE INDEX project_kecamatan_idx ON project (kecamatan_code);
CREATE INDEX project_forum_idx ON project (forum_id);
CREATE INDEX project_kind_idx ON project (kind);
CREATE INDEX project_status_idx ON project (status);
CREATE INDEX project_year_idx ON project (year, id);
CREATE INDEX project_budget_idx ON project (budget_rupiah, id);
CREATE INDEX project_title_idx ON project (title, id);

CREATE TABLE activity (
    id             text COLLATE "C" PRIMARY KEY CHECK (id <> ''),
    title          text COLLATE "C" NOT NULL,
    forum_id       text COLLATE "C" NOT NULL REFERENCES forum (id),
    kind           text COLLATE "C" NOT NULL CHECK (kind IN (
                       'DIALOGUE', 'SOCIALISATION', 'TRAINING', 'CULTURAL_EVENT', 'SPORTS_EVENT', 'MEDIATION')),
    date           date NOT NULL,
    participants   integer NOT NULL CHECK (participants >= 0),
    location       geometry(Point, 4326),
    kelurahan_code text COLLATE "C" NOT NULL REFERENCES kelurahan (code),
    description    text COLLATE "C" NOT NULL DEFAULT '',
    version        integer NOT NULL DEFAULT 1
);

CREATE INDEX activity_date_idx ON activity (date, id);
CREATE INDEX activity_forum_idx ON activity (forum_id);
CREATE INDEX activity_kelurahan_idx ON activity (kelurahan_code);
CREATE INDEX activity_location_idx ON activity USING gist (location);

-- +goose Down
DROP TABLE activity;
DROP TABLE project;
DROP TABLE forum_kelurahan;
DROP TABLE forum;
