import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A project's iids come from a sequence of its own instead of a counter on its row: nextval is
 * never rolled back and never waits, so tickets of one project are no longer written one at a
 * time behind that row's lock. An iid can be skipped (a failed attempt, a server crash), never
 * handed out twice.
 */
export class WorkItemIidSequences1795651600000 implements MigrationInterface {
  name = 'WorkItemIidSequences1795651600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION work_item_iid_sequence(project_id int) RETURNS text
        LANGUAGE sql IMMUTABLE AS $$ SELECT format('project_%s_work_item_iid_seq', project_id) $$;

      CREATE FUNCTION next_work_item_iid(project_id int) RETURNS int
        LANGUAGE sql VOLATILE AS $$ SELECT nextval(work_item_iid_sequence(project_id)::regclass)::int $$;

      CREATE FUNCTION projects_iid_sequence() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          EXECUTE format('CREATE SEQUENCE %I AS integer', work_item_iid_sequence(NEW.id));
          RETURN NEW;
        END IF;
        EXECUTE format('DROP SEQUENCE IF EXISTS %I', work_item_iid_sequence(OLD.id));
        RETURN OLD;
      END $$;

      CREATE TRIGGER projects_iid_sequence AFTER INSERT OR DELETE ON projects
        FOR EACH ROW EXECUTE FUNCTION projects_iid_sequence();

      DO $$
      DECLARE p record;
      BEGIN
        FOR p IN SELECT id, last_work_item_iid FROM projects LOOP
          EXECUTE format('CREATE SEQUENCE %I AS integer', work_item_iid_sequence(p.id));
          IF p.last_work_item_iid > 0 THEN
            PERFORM setval(work_item_iid_sequence(p.id)::regclass, p.last_work_item_iid);
          END IF;
        END LOOP;
      END $$;

      ALTER TABLE projects DROP COLUMN last_work_item_iid;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE projects ADD COLUMN last_work_item_iid integer NOT NULL DEFAULT 0;
      DO $$
      DECLARE p record; used int;
      BEGIN
        FOR p IN SELECT id FROM projects LOOP
          EXECUTE format('SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM %I',
                         work_item_iid_sequence(p.id)) INTO used;
          UPDATE projects SET last_work_item_iid = used WHERE id = p.id;
          EXECUTE format('DROP SEQUENCE %I', work_item_iid_sequence(p.id));
        END LOOP;
      END $$;
      DROP TRIGGER projects_iid_sequence ON projects;
      DROP FUNCTION projects_iid_sequence(), next_work_item_iid(int), work_item_iid_sequence(int);
    `);
  }
}
