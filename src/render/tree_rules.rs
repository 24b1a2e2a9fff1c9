//! The tree's rules as nested if/else text, for the reports (the drawing is in `charts`).

use crate::analysis::document::{TreeNode, TreeView};

/// The rules are printed down to this depth.
pub const RULES_MAX_DEPTH: usize = 6;

/// The tree as nested if/else rules, down to `max_depth` levels.
pub fn rules_text(tree: &TreeView, max_depth: usize) -> String {
    let mut out = String::new();
    let mut truncated = false;
    write_rules(tree, 0, 0, max_depth, &mut out, &mut truncated);
    if truncated {
        out.push_str(&format!("(rules below depth {max_depth} are left out)\n"));
    }
    out
}

fn write_rules(
    tree: &TreeView,
    node: usize,
    depth: usize,
    max_depth: usize,
    out: &mut String,
    truncated: &mut bool,
) {
    let indent = "  ".repeat(depth);
    match tree.nodes.get(node) {
        Some(TreeNode::Leaf { prediction }) => {
            out.push_str(&format!("{indent}predict {prediction}\n"))
        }
        Some(TreeNode::Split { .. }) if depth >= max_depth => {
            *truncated = true;
            out.push_str(&format!("{indent}...\n"));
        }
        Some(TreeNode::Split {
            feature,
            threshold,
            left,
            right,
        }) => {
            out.push_str(&format!("{indent}if {feature} <= {threshold:.4}:\n"));
            write_rules(tree, *left, depth + 1, max_depth, out, truncated);
            out.push_str(&format!("{indent}else:\n"));
            write_rules(tree, *right, depth + 1, max_depth, out, truncated);
        }
        None => out.push_str(&format!("{indent}(missing node {node})\n")),
    }
}
