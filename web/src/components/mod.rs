//! Small components that render what they are given and report clicks.

mod cluster_panel;
mod header;
mod lesson_list;
mod lesson_view;

pub use cluster_panel::ClusterPanel;
pub use header::Header;
pub use lesson_list::LessonList;
pub use lesson_view::LessonView;
