/*
 * The ext2/ext3/ext4 superblock: 1024 bytes at offset 1024 of the
 * file system (copies at the start of some block groups). Little-endian.
 * Written for cstruct from the ext4 disk layout documentation.
 *
 *   cstruct dump -f ext4.h -t ext4_super_block -o 1024 --hex /dev/sdXN   (or an image)
 */

#define EXT4_SUPER_MAGIC 0xEF53

enum ext4_state : uint16 { EXT4_VALID_FS = 1, EXT4_ERROR_FS = 2, EXT4_ORPHAN_FS = 4 };
enum ext4_errors : uint16 { EXT4_ERRORS_CONTINUE = 1, EXT4_ERRORS_RO = 2, EXT4_ERRORS_PANIC = 3 };
enum ext4_os : uint32 { EXT4_OS_LINUX = 0, EXT4_OS_HURD = 1, EXT4_OS_MASIX = 2, EXT4_OS_FREEBSD = 3, EXT4_OS_LITES = 4 };
enum ext4_rev : uint32 { EXT4_GOOD_OLD_REV = 0, EXT4_DYNAMIC_REV = 1 };

flag ext4_compat : uint32 {
	COMPAT_DIR_PREALLOC = 0x1, COMPAT_IMAGIC_INODES = 0x2, COMPAT_HAS_JOURNAL = 0x4, COMPAT_EXT_ATTR = 0x8,
	COMPAT_RESIZE_INODE = 0x10, COMPAT_DIR_INDEX = 0x20, COMPAT_SPARSE_SUPER2 = 0x200, COMPAT_FAST_COMMIT = 0x400,
	COMPAT_STABLE_INODES = 0x800, COMPAT_ORPHAN_FILE = 0x1000
};

flag ext4_incompat : uint32 {
	INCOMPAT_COMPRESSION = 0x1, INCOMPAT_FILETYPE = 0x2, INCOMPAT_RECOVER = 0x4, INCOMPAT_JOURNAL_DEV = 0x8,
	INCOMPAT_META_BG = 0x10, INCOMPAT_EXTENTS = 0x40, INCOMPAT_64BIT = 0x80, INCOMPAT_MMP = 0x100,
	INCOMPAT_FLEX_BG = 0x200, INCOMPAT_EA_INODE = 0x400, INCOMPAT_DIRDATA = 0x1000, INCOMPAT_CSUM_SEED = 0x2000,
	INCOMPAT_LARGEDIR = 0x4000, INCOMPAT_INLINE_DATA = 0x8000, INCOMPAT_ENCRYPT = 0x10000, INCOMPAT_CASEFOLD = 0x20000
};

flag ext4_ro_compat : uint32 {
	RO_COMPAT_SPARSE_SUPER = 0x1, RO_COMPAT_LARGE_FILE = 0x2, RO_COMPAT_BTREE_DIR = 0x4, RO_COMPAT_HUGE_FILE = 0x8,
	RO_COMPAT_GDT_CSUM = 0x10, RO_COMPAT_DIR_NLINK = 0x20, RO_COMPAT_EXTRA_ISIZE = 0x40, RO_COMPAT_QUOTA = 0x100,
	RO_COMPAT_BIGALLOC = 0x200, RO_COMPAT_METADATA_CSUM = 0x400, RO_COMPAT_READONLY = 0x1000,
	RO_COMPAT_PROJECT = 0x2000, RO_COMPAT_VERITY = 0x8000, RO_COMPAT_ORPHAN_PRESENT = 0x10000
};

enum ext4_hash : uint8 { EXT4_HASH_LEGACY = 0, EXT4_HASH_HALF_MD4 = 1, EXT4_HASH_TEA = 2,
	EXT4_HASH_LEGACY_UNSIGNED = 3, EXT4_HASH_HALF_MD4_UNSIGNED = 4, EXT4_HASH_TEA_UNSIGNED = 5, EXT4_HASH_SIPHASH = 6 };

struct ext4_super_block {
	uint32 s_inodes_count;
	uint32 s_blocks_count_lo;
	uint32 s_r_blocks_count_lo;       /* reserved for root */
	uint32 s_free_blocks_count_lo;
	uint32 s_free_inodes_count;
	uint32 s_first_data_block;        /* 1 with 1 KiB blocks, else 0 */
	uint32 s_log_block_size;          /* block size = 1024 << this */
	uint32 s_log_cluster_size;
	uint32 s_blocks_per_group;
	uint32 s_clusters_per_group;
	uint32 s_inodes_per_group;
	uint32 s_mtime;                   /* last mount, seconds since the epoch */
	uint32 s_wtime;                   /* last write */
	uint16 s_mnt_count;
	int16  s_max_mnt_count;
	uint16 s_magic;                   /* EXT4_SUPER_MAGIC */
	ext4_state  s_state;
	ext4_errors s_errors;
	uint16 s_minor_rev_level;
	uint32 s_lastcheck;
	uint32 s_checkinterval;
	ext4_os  s_creator_os;
	ext4_rev s_rev_level;
	uint16 s_def_resuid;
	uint16 s_def_resgid;
	/* EXT4_DYNAMIC_REV */
	uint32 s_first_ino;
	uint16 s_inode_size;
	uint16 s_block_group_nr;
	ext4_compat    s_feature_compat;
	ext4_incompat  s_feature_incompat;
	ext4_ro_compat s_feature_ro_compat;
	uint8  s_uuid[16];
	char   s_volume_name[16];
	char   s_last_mounted[64];
	uint32 s_algorithm_usage_bitmap;
	uint8  s_prealloc_blocks;
	uint8  s_prealloc_dir_blocks;
	uint16 s_reserved_gdt_blocks;
	/* journalling */
	uint8  s_journal_uuid[16];
	uint32 s_journal_inum;
	uint32 s_journal_dev;
	uint32 s_last_orphan;
	uint32 s_hash_seed[4];
	ext4_hash s_def_hash_version;
	uint8  s_jnl_backup_type;
	uint16 s_desc_size;
	uint32 s_default_mount_opts;
	uint32 s_first_meta_bg;
	uint32 s_mkfs_time;
	uint32 s_jnl_blocks[17];
	/* 64-bit */
	uint32 s_blocks_count_hi;
	uint32 s_r_blocks_count_hi;
	uint32 s_free_blocks_count_hi;
	uint16 s_min_extra_isize;
	uint16 s_want_extra_isize;
	uint32 s_flags;
	uint16 s_raid_stride;
	uint16 s_mmp_interval;
	uint64 s_mmp_block;
	uint32 s_raid_stripe_width;
	uint8  s_log_groups_per_flex;
	uint8  s_checksum_type;           /* 1: crc32c */
	uint8  s_encryption_level;
	uint8  s_reserved_pad;
	uint64 s_kbytes_written;
	uint32 s_snapshot_inum;
	uint32 s_snapshot_id;
	uint64 s_snapshot_r_blocks_count;
	uint32 s_snapshot_list;
	uint32 s_error_count;
	uint32 s_first_error_time;
	uint32 s_first_error_ino;
	uint64 s_first_error_block;
	char   s_first_error_func[32];
	uint32 s_first_error_line;
	uint32 s_last_error_time;
	uint32 s_last_error_ino;
	uint32 s_last_error_line;
	uint64 s_last_error_block;
	char   s_last_error_func[32];
	char   s_mount_opts[64];
	uint32 s_usr_quota_inum;
	uint32 s_grp_quota_inum;
	uint32 s_overhead_clusters;
	uint32 s_backup_bgs[2];
	uint8  s_encrypt_algos[4];
	uint8  s_encrypt_pw_salt[16];
	uint32 s_lpf_ino;                 /* lost+found */
	uint32 s_prj_quota_inum;
	uint32 s_checksum_seed;
	uint8  s_wtime_hi;
	uint8  s_mtime_hi;
	uint8  s_mkfs_time_hi;
	uint8  s_lastcheck_hi;
	uint8  s_first_error_time_hi;
	uint8  s_last_error_time_hi;
	uint8  s_first_error_errcode;
	uint8  s_last_error_errcode;
	uint16 s_encoding;
	uint16 s_encoding_flags;
	uint32 s_orphan_file_inum;
	uint32 s_reserved[94];
	uint32 s_checksum;                /* crc32c of the superblock up to here */
};
