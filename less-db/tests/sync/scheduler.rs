//! SyncScheduler on a manual clock: debounce, backoff, flush, the run loop, dispose.

use std::sync::Arc;
use std::time::Duration;

use less_db::sync::{
    Clock, ManualClock, SchedulerConfig, SchedulerDisposed, SyncManager, SyncScheduler,
    TransportError,
};

use crate::common::block_on;
use crate::mocks::{Rig, named, tasks};

const MS: fn(u64) -> Duration = Duration::from_millis;

fn config() -> SchedulerConfig {
    SchedulerConfig {
        debounce: MS(100),
        backoff_base: MS(1000),
        backoff_max: MS(8000),
    }
}

struct Setup {
    rig: Rig,
    clock: ManualClock,
    scheduler: Arc<SyncScheduler>,
}

fn setup() -> Setup {
    let rig = Rig::new();
    let clock = ManualClock::new();
    let manager = Arc::new(rig.manager(vec![tasks(), named("notes")]));
    let scheduler = Arc::new(SyncScheduler::new(
        manager,
        Arc::new(clock.clone()),
        config(),
    ));
    Setup {
        rig,
        clock,
        scheduler,
    }
}

fn pulls(s: &Setup) -> usize {
    s.rig.transport.pulls.lock().len()
}

#[test]
fn backoff_doubles_from_the_base_up_to_the_cap() {
    let c = config();
    let waits: Vec<u64> = (0..7).map(|n| c.backoff(n).as_millis() as u64).collect();
    assert_eq!(waits, vec![0, 1000, 2000, 4000, 8000, 8000, 8000]);
    assert_eq!(c.backoff(u32::MAX), MS(8000));
}

#[test]
fn default_delays_are_one_second_with_a_one_minute_cap() {
    let c = SchedulerConfig::default();
    assert_eq!(c.debounce, Duration::from_secs(1));
    assert_eq!(c.backoff_base, Duration::from_secs(1));
    assert_eq!(c.backoff_max, Duration::from_secs(60));
}

#[test]
fn a_dirty_notification_syncs_after_the_debounce_delay() {
    let s = setup();
    s.scheduler.notify_dirty("tasks");
    assert!(s.scheduler.is_pending("tasks"));
    assert_eq!(s.scheduler.next_due(), Some(MS(100)));
    s.clock.advance(MS(99));
    assert!(block_on(s.scheduler.run_due()).is_empty());
    assert_eq!(pulls(&s), 0);
    s.clock.advance(MS(1));
    let ran = block_on(s.scheduler.run_due());
    assert_eq!(ran.keys().collect::<Vec<_>>(), vec!["tasks"]);
    assert_eq!(pulls(&s), 1);
    assert!(!s.scheduler.is_pending("tasks"));
}

#[test]
fn a_burst_of_notifications_gives_one_sync_after_the_last() {
    let s = setup();
    for _ in 0..5 {
        s.scheduler.notify_dirty("tasks");
        s.clock.advance(MS(60));
        assert!(block_on(s.scheduler.run_due()).is_empty());
    }
    s.clock.advance(MS(40));
    assert_eq!(block_on(s.scheduler.run_due()).len(), 1);
    assert_eq!(pulls(&s), 1);
    assert!(block_on(s.scheduler.run_due()).is_empty());
}

#[test]
fn collections_are_debounced_separately() {
    let s = setup();
    s.scheduler.notify_dirty("tasks");
    s.clock.advance(MS(50));
    s.scheduler.notify_dirty("notes");
    s.clock.advance(MS(50));
    let first = block_on(s.scheduler.run_due());
    assert_eq!(first.keys().collect::<Vec<_>>(), vec!["tasks"]);
    s.clock.advance(MS(50));
    let second = block_on(s.scheduler.run_due());
    assert_eq!(second.keys().collect::<Vec<_>>(), vec!["notes"]);
}

#[test]
fn unknown_collections_are_ignored() {
    let s = setup();
    s.scheduler.notify_dirty("ghosts");
    s.clock.advance(MS(500));
    assert!(block_on(s.scheduler.run_due()).is_empty());
    assert_eq!(pulls(&s), 0);
}

#[test]
fn a_failed_sync_is_retried_with_growing_backoff() {
    let s = setup();
    s.rig
        .transport
        .on_pull(|_, _| Err(TransportError::new("offline")));
    s.scheduler.notify_dirty("tasks");
    s.clock.advance(MS(100));
    let res = block_on(s.scheduler.run_due());
    assert!(res["tasks"].has_step_failure());
    assert_eq!(s.scheduler.failures("tasks"), 1);
    // Retry due one second later, on its own.
    assert_eq!(s.scheduler.next_due(), Some(MS(1100)));
    s.clock.advance(MS(999));
    assert!(block_on(s.scheduler.run_due()).is_empty());
    s.clock.advance(MS(1));
    assert_eq!(block_on(s.scheduler.run_due()).len(), 1);
    assert_eq!(s.scheduler.failures("tasks"), 2);
    assert_eq!(s.scheduler.next_due(), Some(MS(1100 + 2000)));
}

#[test]
fn notifications_during_backoff_wait_for_it_to_end() {
    let s = setup();
    s.rig
        .transport
        .on_pull(|_, _| Err(TransportError::new("offline")));
    s.scheduler.notify_dirty("tasks");
    s.clock.advance(MS(100));
    block_on(s.scheduler.run_due());
    s.clock.advance(MS(10));
    s.scheduler.notify_dirty("tasks");
    assert_eq!(
        s.scheduler.next_due(),
        Some(MS(1100)),
        "backoff wins over debounce"
    );
    s.scheduler.request_sync("tasks");
    assert_eq!(
        s.scheduler.next_due(),
        Some(MS(1100)),
        "even for an explicit request"
    );
}

#[test]
fn success_clears_the_backoff() {
    let s = setup();
    s.rig
        .transport
        .on_pull(|_, _| Err(TransportError::new("offline")));
    s.scheduler.notify_dirty("tasks");
    s.clock.advance(MS(100));
    block_on(s.scheduler.run_due());
    s.rig
        .transport
        .on_pull(|_, _| Ok(less_db::sync::PullResult::default()));
    s.clock.advance(MS(1000));
    let res = block_on(s.scheduler.run_due());
    assert!(res["tasks"].errors.is_empty());
    assert_eq!(s.scheduler.failures("tasks"), 0);
    assert_eq!(s.scheduler.next_due(), None);
    s.scheduler.notify_dirty("tasks");
    assert_eq!(s.scheduler.next_due(), Some(MS(1200)));
}

#[test]
fn record_errors_alone_do_not_back_off() {
    let s = setup();
    s.rig.transport.on_pull(|_, _| {
        Ok(crate::mocks::pulled(
            vec![crate::mocks::remote("bad", 5)],
            Some(5),
        ))
    });
    s.rig.storage.fail_ids(&["bad"]);
    s.scheduler.request_sync("tasks");
    let res = block_on(s.scheduler.run_due());
    assert_eq!(res["tasks"].errors.len(), 1);
    assert_eq!(s.scheduler.failures("tasks"), 0);
    assert_eq!(s.scheduler.next_due(), None);
}

#[test]
fn request_sync_is_due_at_once() {
    let s = setup();
    s.scheduler.request_sync("notes");
    assert_eq!(block_on(s.scheduler.run_due()).len(), 1);
}

#[test]
fn flush_ignores_debounce_and_backoff() {
    let s = setup();
    s.scheduler.notify_dirty("tasks");
    let res = block_on(s.scheduler.flush(&tasks())).unwrap();
    assert!(res.errors.is_empty());
    assert_eq!(pulls(&s), 1);
    assert!(
        !s.scheduler.is_pending("tasks"),
        "the flush served the pending request"
    );
    let all = block_on(s.scheduler.flush_all()).unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(pulls(&s), 3);
}

#[test]
fn a_disposed_scheduler_refuses_work() {
    let s = setup();
    s.scheduler.notify_dirty("tasks");
    s.scheduler.dispose();
    assert!(s.scheduler.is_disposed());
    assert!(!s.scheduler.is_pending("tasks"));
    s.scheduler.notify_dirty("tasks");
    s.clock.advance(MS(1000));
    assert!(block_on(s.scheduler.run_due()).is_empty());
    assert_eq!(
        block_on(s.scheduler.flush(&tasks())),
        Err(SchedulerDisposed)
    );
    assert!(block_on(s.scheduler.flush_all()).is_err());
    assert_eq!(pulls(&s), 0);
}

async fn settle() {
    for _ in 0..20 {
        tokio::task::yield_now().await;
    }
}

#[tokio::test]
async fn the_run_loop_sleeps_on_the_clock_and_wakes_on_notifications() {
    let s = setup();
    let sched = s.scheduler.clone();
    let runner = tokio::spawn(async move { sched.run().await });
    settle().await;
    assert_eq!(pulls(&s), 0);
    assert_eq!(
        s.clock.pending_sleeps(),
        0,
        "idle: waits for a notification only"
    );

    s.scheduler.notify_dirty("tasks");
    settle().await;
    assert_eq!(
        s.clock.pending_sleeps(),
        1,
        "sleeping until the debounce ends"
    );
    assert_eq!(pulls(&s), 0);
    s.clock.advance(MS(100));
    settle().await;
    assert_eq!(pulls(&s), 1);

    s.scheduler.notify_dirty("notes");
    s.clock.advance(MS(100));
    settle().await;
    assert_eq!(pulls(&s), 2);

    s.scheduler.dispose();
    settle().await;
    assert!(runner.is_finished());
    runner.await.unwrap();
}

#[tokio::test]
async fn the_run_loop_retries_failures_by_itself() {
    let s = setup();
    s.rig
        .transport
        .on_pull(|_, _| Err(TransportError::new("offline")));
    let sched = s.scheduler.clone();
    let runner = tokio::spawn(async move { sched.run().await });
    s.scheduler.request_sync("tasks");
    settle().await;
    assert_eq!(pulls(&s), 1);
    s.clock.advance(MS(1000));
    settle().await;
    assert_eq!(pulls(&s), 2);
    s.clock.advance(MS(1999));
    settle().await;
    assert_eq!(pulls(&s), 2);
    s.clock.advance(MS(1));
    settle().await;
    assert_eq!(pulls(&s), 3);
    s.scheduler.dispose();
    runner.await.unwrap();
}

#[test]
fn manual_clock_completes_sleeps_when_time_passes() {
    let clock = ManualClock::new();
    let sleep = clock.sleep(MS(10));
    assert_eq!(clock.pending_sleeps(), 1);
    clock.advance(MS(10));
    assert_eq!(clock.now(), MS(10));
    assert_eq!(clock.pending_sleeps(), 0);
    block_on(sleep);
}

#[test]
fn thread_clock_sleeps_for_real() {
    let clock = less_db::sync::ThreadClock::new();
    let before = clock.now();
    block_on(clock.sleep(MS(5)));
    assert!(clock.now() - before >= MS(5));
}

#[test]
fn scheduler_exposes_its_manager_and_config() {
    let s = setup();
    assert_eq!(*s.scheduler.config(), config());
    let m: &Arc<SyncManager> = s.scheduler.manager();
    assert_eq!(m.collections().len(), 2);
}
