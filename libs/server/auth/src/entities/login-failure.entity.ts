import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('login_failure')
export class LoginFailureEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'varchar' })
  username!: string;

  @Column({ type: 'timestamptz' })
  at!: Date;

  @Column({ type: 'varchar', nullable: true })
  ip!: string | null;
}
