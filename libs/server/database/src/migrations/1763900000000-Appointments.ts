import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * CQO appointments (聘任备案), the people, violations, training records (the ledger's hash chain
 * comes with the training issue), policy profile versions and the profile schedule.
 */
export class Appointments1763900000000 implements MigrationInterface {
  name = 'Appointments1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- Name search on 50k+ enterprises without a full scan. Chinese names are searched by two
      -- characters as often as by more (精诚, 光谷), which trigrams cannot serve, so the index holds
      -- every single character and every pair; a query needs all its pairs (test/bench/).
      CREATE FUNCTION cqo_name_grams(t text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT coalesce(array_agg(DISTINCT g), '{}') FROM (
          SELECT substr(lower(t), i, 1) AS g FROM generate_series(1, length(t)) AS i
          UNION ALL
          SELECT substr(lower(t), i, 2) FROM generate_series(1, length(t) - 1) AS i
        ) grams
      $$;
      ALTER TABLE enterprise ADD COLUMN name_grams text[] GENERATED ALWAYS AS (cqo_name_grams(name)) STORED;
      CREATE INDEX enterprise_name_grams_idx ON enterprise USING gin (name_grams);
      CREATE INDEX enterprise_award_enterprise_idx ON enterprise_award (enterprise_id);

      CREATE TABLE cqo_person (
        id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name       varchar(32) NOT NULL,
        phone      varchar(11) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (name, phone)
      );

      CREATE TABLE appointment (
        id                            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        enterprise_id                 uuid NOT NULL REFERENCES enterprise(id),
        region_path                   text NOT NULL,
        person_id                     uuid NOT NULL REFERENCES cqo_person(id),
        previous_id                   uuid REFERENCES appointment(id),
        filing_type                   varchar(8) NOT NULL CHECK (filing_type IN ('appoint','change')),
        status                        varchar(12) NOT NULL CHECK (status IN ('active','superseded','replaced','dismissed','expired')),
        name                          varchar(32) NOT NULL,
        gender                        varchar(1) NOT NULL CHECK (gender IN ('男','女')),
        birth_month                   varchar(7) NOT NULL CHECK (birth_month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        phone                         varchar(11) NOT NULL CHECK (phone ~ '^1[3-9][0-9]{9}$'),
        position_title                varchar(32) NOT NULL,
        position_level                varchar(8) NOT NULL CHECK (position_level IN ('决策层','高层副职','中层','其他')),
        concurrent_post               boolean NOT NULL,
        education                     varchar(8) NOT NULL CHECK (education IN ('高中及以下','中专','大专','大学本科','硕士研究生','博士研究生')),
        qualification_type            varchar(16) NOT NULL CHECK (qualification_type IN ('专业技术职称','质量专业技术人员职业资格','无')),
        qualification_level           varchar(4) CHECK (qualification_level IN ('初级','中级','副高级','正高级')),
        quality_related               boolean NOT NULL,
        years_in_quality              smallint NOT NULL CHECK (years_in_quality BETWEEN 0 AND 60),
        declarations                  text[] NOT NULL DEFAULT '{}',
        appointed_on                  date NOT NULL,
        term_end                      date,
        effective_from                date NOT NULL,
        ended_on                      date,
        end_reason                    text,
        authorisation_cert_no         varchar(64),
        initial_training_hours        numeric(5,1) CHECK (initial_training_hours >= 0),
        initial_training_cert_no      varchar(64),
        initial_training_completed_on date,
        explanation                   text,
        filed_at                      timestamptz NOT NULL,
        filed_by                      uuid REFERENCES app_user(id),
        late_filing                   boolean NOT NULL DEFAULT false,
        verdict                       varchar(12) CHECK (verdict IN ('eligible','attention','ineligible')),
        verdict_detail                jsonb,
        verdict_profile               varchar(64),
        evaluated_at                  timestamptz,
        disqualified                  boolean NOT NULL DEFAULT false,
        CHECK (term_end IS NULL OR term_end >= appointed_on),
        CHECK (effective_from >= appointed_on),
        CHECK (ended_on IS NULL OR ended_on >= effective_from),
        CHECK ((status = 'active') = (ended_on IS NULL)),
        CHECK ((qualification_type = '无') = (qualification_level IS NULL))
      );
      -- At most one active appointment per enterprise (SPEC §2), enforced here, not only in code.
      CREATE UNIQUE INDEX appointment_one_active_idx ON appointment (enterprise_id) WHERE status = 'active';
      CREATE INDEX appointment_enterprise_idx ON appointment (enterprise_id, effective_from);
      CREATE INDEX appointment_person_active_idx ON appointment (person_id) WHERE status = 'active';
      CREATE INDEX appointment_active_region_idx ON appointment (region_path text_pattern_ops) WHERE status = 'active';
      CREATE INDEX appointment_active_term_idx ON appointment (term_end) WHERE status = 'active';
      CREATE INDEX appointment_active_verdict_idx ON appointment (verdict) WHERE status = 'active';
      CREATE INDEX appointment_disqualified_idx ON appointment (enterprise_id) WHERE status = 'active' AND disqualified;

      CREATE TABLE violation (
        id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        enterprise_id   uuid NOT NULL REFERENCES enterprise(id),
        region_path     text NOT NULL,
        subject         varchar(12) NOT NULL CHECK (subject IN ('enterprise','cqo','both')),
        person_id       uuid REFERENCES cqo_person(id),
        appointment_id  uuid REFERENCES appointment(id),
        type            varchar(16) NOT NULL CHECK (type IN ('违法违规','重大失误受处分','刑事处分','谋取不正当利益','泄露商业秘密','损害合法权益','较大以上质量安全事故','失信','知情不报或虚假报告')),
        accident_level  varchar(4) CHECK (accident_level IN ('一般','较大','重大','特别重大')),
        occurred_on     date NOT NULL,
        source_document varchar(200) NOT NULL,
        description     text,
        status          varchar(12) NOT NULL DEFAULT 'open' CHECK (status IN ('open','rectified','closed')),
        status_note     text,
        recorded_by     uuid REFERENCES app_user(id),
        recorded_role   varchar(16) NOT NULL,
        recorded_at     timestamptz NOT NULL,
        updated_at      timestamptz NOT NULL,
        version         integer NOT NULL DEFAULT 1,
        CHECK ((subject = 'enterprise') = (person_id IS NULL))
      );
      CREATE INDEX violation_person_idx ON violation (person_id) WHERE person_id IS NOT NULL;
      CREATE INDEX violation_enterprise_idx ON violation (enterprise_id);
      CREATE INDEX violation_region_idx ON violation (region_path text_pattern_ops);

      CREATE TABLE training_record (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        person_id      uuid NOT NULL REFERENCES cqo_person(id),
        enterprise_id  uuid REFERENCES enterprise(id),
        category       varchar(16) NOT NULL CHECK (category IN ('任职培训','继续教育(第一类)','第二类','组织培训活动')),
        course         varchar(200) NOT NULL,
        provider       varchar(200) NOT NULL,
        start_date     date NOT NULL,
        end_date       date NOT NULL CHECK (end_date >= start_date),
        hours          numeric(5,1) NOT NULL,
        certificate_no varchar(64),
        source         varchar(12) NOT NULL CHECK (source IN ('enterprise','provider')),
        recorded_at    timestamptz NOT NULL,
        recorded_by    uuid REFERENCES app_user(id)
      );
      CREATE INDEX training_record_person_idx ON training_record (person_id, end_date);

      CREATE TABLE policy_profile_version (
        name           varchar(48) NOT NULL,
        version        integer NOT NULL CHECK (version >= 1),
        definition     jsonb NOT NULL,
        effective_from date NOT NULL,
        created_by     uuid REFERENCES app_user(id),
        created_at     timestamptz NOT NULL,
        PRIMARY KEY (name, version)
      );

      CREATE TABLE policy_schedule (
        from_date       date PRIMARY KEY,
        profile_name    varchar(48) NOT NULL,
        profile_version integer NOT NULL,
        chosen_by       uuid REFERENCES app_user(id),
        chosen_at       timestamptz NOT NULL
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE policy_schedule;
      DROP TABLE policy_profile_version;
      DROP TABLE training_record;
      DROP TABLE violation;
      DROP TABLE appointment;
      DROP TABLE cqo_person;
      DROP INDEX enterprise_award_enterprise_idx;
      ALTER TABLE enterprise DROP COLUMN name_grams;
      DROP FUNCTION cqo_name_grams(text);
    `);
  }
}
