import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A person is one name + phone: the same person filed by two enterprises is one row (the duplicate check). */
@Entity('cqo_person')
export class CqoPersonEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar' })
  name!: string;

  @Column({ type: 'varchar' })
  phone!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
