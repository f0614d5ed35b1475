import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `cqo_name_grams` calls `cqo_name_grams_exact` by its schema-qualified name (issue 21, backups).
 * pg_restore runs with an empty search_path and recomputes the generated `enterprise.name_grams`
 * column while it loads the rows; an unqualified call then fails ("function
 * cqo_name_grams_exact(text) does not exist") and no backup could be restored. The body is
 * otherwise the one of 1764630000000 (still a single expression PostgreSQL inlines).
 */
export class QualifiedNameGrams1764785000000 implements MigrationInterface {
  name = 'QualifiedNameGrams1764785000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION cqo_name_grams(t text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE WHEN strpos(t, chr(1)) > 0 THEN public.cqo_name_grams_exact(t) ELSE
          string_to_array(lower(t), NULL)
          || string_to_array(rtrim(regexp_replace(lower(t), '..', '\\&' || chr(1), 'g'), chr(1)), chr(1))
          || string_to_array(rtrim(regexp_replace(substr(lower(t), 2), '..', '\\&' || chr(1), 'g'), chr(1)), chr(1))
        END
      $$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION cqo_name_grams(t text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE WHEN strpos(t, chr(1)) > 0 THEN cqo_name_grams_exact(t) ELSE
          string_to_array(lower(t), NULL)
          || string_to_array(rtrim(regexp_replace(lower(t), '..', '\\&' || chr(1), 'g'), chr(1)), chr(1))
          || string_to_array(rtrim(regexp_replace(substr(lower(t), 2), '..', '\\&' || chr(1), 'g'), chr(1)), chr(1))
        END
      $$;
    `);
  }
}
