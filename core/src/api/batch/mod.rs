//! The batch/v1 API group: Jobs, CronJobs and the cron schedules they run
//! on.

pub mod cronjob;
pub mod job;
pub mod schedule;

pub use cronjob::*;
pub use job::*;
pub use schedule::Schedule;
