//! Our CART engine: scikit-learn's tree algorithm (`DecisionTreeClassifier`,
//! `DecisionTreeRegressor` and the trees of its random forests), written for speed.
//!
//! Each node sorts only its own rows on each candidate feature (scikit-learn's `BestSplitter`),
//! so a node costs O(rows in the node × log) per feature, not O(training rows) as smartcore's
//! full-column scans did. Gini for classes, squared error for values, thresholds at midpoints
//! between consecutive distinct values, grown until pure. Files: `data` (feature-major copy of
//! the training set, shared by a forest's trees), `split` (best split of one node), `grow`
//! (depth-first growth), `tree` (the fitted node arrays and their walk), `bootstrap` (a
//! forest's row sample), `fitted` (the fitted models modelbench sees).

mod bootstrap;
mod data;
mod fitted;
mod grow;
mod split;
mod tree;

pub(super) use bootstrap::bootstrap;
pub(super) use data::{Columns, Target};
pub(super) use fitted::{ClassTrees, ValueTrees};
pub(super) use grow::grow;
pub(super) use tree::{NodeView, Tree};
